using System.Diagnostics;
using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Shop.ServiceDefaults.Persistence;
using Weasel.Core;

namespace Shop.Bench;

/// <summary>The event the append measurement writes: small, like the shop's own.</summary>
public sealed record ItemCounted(Guid StreamId, int Number, string Note);

public sealed record AppendRate(string Writer, int EventsPerTransaction, long Events, double EventsPerSecond);

/// <summary>
/// One writer appending events through Marten, configured as the services configure their event log
/// (<see cref="EventLogStorage"/>: metadata columns, the hash chain's trigger, the NOTIFY that wakes the daemon, the
/// connection pool), one event per transaction and then in batches, beside raw Npgsql writing the same rows
/// into a copy of Marten's event table: one INSERT per transaction, and COPY in batches of the same size.
/// A third writer INSERTs the same rows into Marten's own event table, where the chain's trigger and the
/// stream's foreign key apply, which splits Marten's cost into the chain's and the rest (the append function,
/// the stream's row, the notification, the client).
/// </summary>
public sealed class EventAppends(Sizes sizes, string postgres)
{
    /// <summary>The writer that INSERTs into Marten's own table, the chain's trigger firing.</summary>
    public const string ChainedInsert = "Npgsql INSERT, Marten's table";

    private const string MartenSchema = "bench_marten";
    private const string RawTable = "bench_raw.mt_events";
    private static readonly string EventType = "item_counted";
    private static readonly string DotnetType = $"{typeof(ItemCounted).FullName}, {typeof(ItemCounted).Assembly.GetName().Name}";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<AppendRate>> RunAsync()
    {
        var connection = EventLogStorage.PooledConnectionString(postgres);
        await using var wakeup = new EventAppendChannel(postgres, EventAppendWakeup.ChannelFor(MartenSchema), NullLoggerFactory.Instance);
        await using var store = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.DatabaseSchemaName = MartenSchema;
            EventLogStorage.Configure(o, MartenSchema);
            EventLogStorage.NotifyAppends(o, wakeup.Notices);
            o.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            // Registering the event type is what makes Marten create its event tables up front.
            o.Events.AddEventType<ItemCounted>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await ExecuteAsync(dataSource, $"""
            create schema if not exists bench_raw;
            create table {RawTable} (like {MartenSchema}.mt_events including all);
            create sequence bench_raw.mt_events_sequence owned by {RawTable}.seq_id;
            alter table {RawTable} alter column seq_id set default nextval('bench_raw.mt_events_sequence');
            """);

        var rates = new List<AppendRate>
        {
            await MeasureAsync("Marten", 1, (stream, first) => MartenAsync(store, stream, first, 1)),
            await MeasureAsync("Marten", sizes.AppendBatch, (stream, first) => MartenAsync(store, stream, first, sizes.AppendBatch)),
            await MeasureAsync("Npgsql INSERT", 1, (stream, first) => InsertAsync(dataSource, RawTable, stream, first)),
            // Marten's event table has a foreign key to the stream's row: Marten starts the stream.
            await MeasureAsync(ChainedInsert, 1, (stream, first) => first == 1
                ? MartenAsync(store, stream, first, 1)
                : InsertAsync(dataSource, $"{MartenSchema}.mt_events", stream, first)),
            await MeasureAsync("Npgsql COPY", sizes.AppendBatch, (stream, first) => CopyAsync(dataSource, stream, first, sizes.AppendBatch)),
        };
        await ExecuteAsync(dataSource, $"drop schema bench_raw cascade; drop schema {MartenSchema} cascade");
        return rates;
    }

    /// <summary>Calls <paramref name="append"/> (which returns how many events it wrote) until the time is up.</summary>
    private async Task<AppendRate> MeasureAsync(string writer, int perTransaction, Func<Guid, int, Task<int>> append)
    {
        var stream = Guid.NewGuid();
        var written = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < sizes.AppendDuration)
        {
            written += await append(stream, written + 1);
        }

        var rate = new AppendRate(writer, perTransaction, written, written / clock.Elapsed.TotalSeconds);
        Console.WriteLine($"  {writer}, {perTransaction} per transaction: {rate.EventsPerSecond:F0} events/s");
        return rate;
    }

    private static async Task<int> MartenAsync(IDocumentStore store, Guid stream, int first, int count)
    {
        await using var session = store.LightweightSession();
        var events = Enumerable.Range(first, count).Select(n => (object)new ItemCounted(stream, n, "counted")).ToArray();
        if (first == 1)
        {
            session.Events.StartStream(stream, events);
        }
        else
        {
            session.Events.Append(stream, events);
        }

        await session.SaveChangesAsync();
        return count;
    }

    /// <summary>The sequence number is drawn from the table's own sequence, as Marten's append function does.</summary>
    private static async Task<int> InsertAsync(NpgsqlDataSource dataSource, string table, Guid stream, int version)
    {
        var sequence = table.Replace(".mt_events", ".mt_events_sequence", StringComparison.Ordinal);
        await using var command = dataSource.CreateCommand(
            $"insert into {table} (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type) values (nextval('{sequence}'), $1, $2, $3, $4, $5, $6, '*DEFAULT*', $7)");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)version });
        command.Parameters.Add(new NpgsqlParameter { Value = Data(stream, version), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = EventType });
        command.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
        command.Parameters.Add(new NpgsqlParameter { Value = DotnetType });
        await command.ExecuteNonQueryAsync();
        return 1;
    }

    private static async Task<int> CopyAsync(NpgsqlDataSource dataSource, Guid stream, int first, int count)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var copy = await connection.BeginBinaryImportAsync(
            $"copy {RawTable} (id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type) from stdin (format binary)");
        for (var version = first; version < first + count; version++)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await copy.WriteAsync(stream, NpgsqlDbType.Uuid);
            await copy.WriteAsync((long)version, NpgsqlDbType.Bigint);
            await copy.WriteAsync(Data(stream, version), NpgsqlDbType.Jsonb);
            await copy.WriteAsync(EventType, NpgsqlDbType.Varchar);
            await copy.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
            await copy.WriteAsync(DotnetType, NpgsqlDbType.Varchar);
        }

        await copy.CompleteAsync();
        return count;
    }

    private static string Data(Guid stream, int number) => JsonSerializer.Serialize(new ItemCounted(stream, number, "counted"), Json);

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
