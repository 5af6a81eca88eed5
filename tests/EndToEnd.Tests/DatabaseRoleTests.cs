using Npgsql;
using Shop.Testing;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// The shop runs each service as its own database role: these tests log in as those roles, as the
/// services do, and try what no service may do. The rest of the end-to-end suite is the proof that
/// normal operation works with them.
/// </summary>
[Collection(nameof(TheShop))]
public class DatabaseRoleTests
{
    [Theory]
    [InlineData("update ordering.mt_events set type = type")]
    [InlineData("delete from ordering.mt_events")]
    [InlineData("truncate ordering.mt_events")]
    [InlineData("delete from ordering.mt_streams")]
    [InlineData("update ordering.mt_event_chain set hash = hash")]
    [InlineData("delete from ordering.mt_event_chain")]
    [InlineData("select count(*) from inventory.mt_events")]
    [InlineData("select count(*) from identity.mt_events")]
    [InlineData("create table ordering.sneaky (id int)")]
    [InlineData("delete from ordering.mt_personal_data_keys")]
    [InlineData("select count(*) from identity.mt_personal_data_keys")]
    public async Task the_app_role_may_not_rewrite_its_events_or_reach_another_service(string sql)
    {
        var refused = await Should.ThrowAsync<PostgresException>(() => ExecuteAsAsync("shop_ordering_app", sql));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, sql);
    }

    [Fact]
    public async Task the_app_role_reads_and_appends_its_own_events()
    {
        (await ScalarAsAsync("shop_ordering_app", "select count(*) from ordering.mt_events")).ShouldBeOfType<long>();
        (await ScalarAsAsync("shop_ordering_app", "select has_table_privilege('ordering.mt_events', 'INSERT')")).ShouldBe(true);
    }

    [Fact]
    public async Task the_auditor_reads_every_service_and_changes_nothing()
    {
        foreach (var schema in new[] { "identity", "inventory", "ordering", "payments", "notifications" })
        {
            (await ScalarAsAsync("shop_auditor", $"select count(*) from {schema}.mt_events")).ShouldBeOfType<long>();
        }

        var refused = await Should.ThrowAsync<PostgresException>(() => ExecuteAsAsync("shop_auditor", "delete from payments.mt_streams"));
        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task no_one_but_the_service_itself_reads_its_personal_data_keys()
    {
        (await ScalarAsAsync("shop_identity_app", "select count(*) from identity.mt_personal_data_keys")).ShouldBeOfType<long>();
        foreach (var (role, table) in new[] { ("shop_auditor", "identity"), ("shop_auditor", "notifications"), ("shop_notifications_app", "identity") })
        {
            var refused = await Should.ThrowAsync<PostgresException>(() => ExecuteAsAsync(role, $"select count(*) from {table}.mt_personal_data_keys"));
            refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, $"{role} on {table}");
        }
    }

    private static string As(string role) =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Password = role, Database = "shop" }.ConnectionString;

    private static async Task ExecuteAsAsync(string role, string sql)
    {
        await using var source = NpgsqlDataSource.Create(As(role));
        await source.CreateCommand(sql).ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsAsync(string role, string sql)
    {
        await using var source = NpgsqlDataSource.Create(As(role));
        return await source.CreateCommand(sql).ExecuteScalarAsync();
    }
}
