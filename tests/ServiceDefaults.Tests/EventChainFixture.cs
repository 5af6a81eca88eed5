using Marten;
using Npgsql;
using Shop.ServiceDefaults.Audit.Chain;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Tests;

public sealed record Counted(string Item, int Count);

public sealed record Renamed(string Item, string Name);

/// <summary>
/// A host of the defaults on a schema of its own, with a signing key in a temporary directory, and
/// a small log: stream A of five events, B of three and C of two, then a checkpoint over all three.
/// </summary>
public sealed class EventChainFixture : IAsyncLifetime
{
    public const string Schema = "chain_tests";

    private readonly string _keys = Directory.CreateTempSubdirectory("chain-keys").FullName;

    public IAlbaHost Host { get; private set; } = null!;
    public Guid A { get; private set; }
    public Guid B { get; private set; }
    public Guid C { get; private set; }

    public ChainAudit Audit => Host.Services.GetRequiredService<ChainAudit>();

    public async ValueTask InitializeAsync() =>
        Host = await SmallServiceHost.StartAsync(builder =>
        {
            builder.WebHost.UseSetting("Shop:Schema", Schema);
            builder.WebHost.UseSetting("Audit:KeyDirectory", _keys);
            builder.WebHost.UseSetting("Audit:CheckpointInterval", "01:00:00");
        }, marten => marten.Events.AddEventTypes([typeof(Counted), typeof(Renamed)]));

    /// <summary>A fresh log, appended the ways services append: new streams, single events, several at once.</summary>
    public async Task GivenACheckpointedLogAsync()
    {
        await Host.ResetAllMartenDataAsync();
        (A, B, C) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(A, new Counted("apple", 1), new Counted("apple", 2));
            session.Events.StartStream(B, new Counted("bread", 1));
            session.Events.StartStream(C, new Renamed("cheese", "Cheddar"));
            await session.SaveChangesAsync();
        }

        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "alice";
            session.Events.Append(A, new Renamed("apple", "Braeburn"), new Counted("apple", 3));
            session.Events.Append(B, new Counted("bread", 2), new Counted("bread", 3));
            await session.SaveChangesAsync();
        }

        await using (var session = store.LightweightSession())
        {
            session.Events.Append(A, new Counted("apple", 4));
            session.Events.Append(C, new Counted("cheese", 7));
            await session.SaveChangesAsync();
        }

        (await Host.Services.GetRequiredService<Checkpoints>().TakeAsync(CancellationToken.None)).ShouldBeTrue();
    }

    public async Task<long> SequenceOfAsync(Guid stream, long version) =>
        (long)(await ScalarAsync($"SELECT seq_id FROM {Schema}.mt_events WHERE stream_id = '{stream}' AND version = {version}"))!;

    /// <summary>Runs SQL as the superuser the tests connect as: what someone with full database access could do.</summary>
    public async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? ShopSettings.DevelopmentPostgres;
}
