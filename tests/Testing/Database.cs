using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.Testing;

/// <summary>Direct SQL against the test database, for what tests must see without going through the service.</summary>
public static class Database
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? ShopSettings.DevelopmentPostgres;

    public static string RabbitMq =>
        Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? ShopSettings.DevelopmentRabbitMq;

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<List<string>> RowsAsync(string sql, CancellationToken ct = default)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        var rows = new List<string>();
        await using var reader = await source.CreateCommand(sql).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetValue(0).ToString()!);
        }

        return rows;
    }

    public static async Task ExecuteAsync(string sql, CancellationToken ct = default)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await source.CreateCommand(sql).ExecuteNonQueryAsync(ct);
    }
}
