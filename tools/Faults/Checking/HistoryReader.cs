using System.Text.Json;
using Npgsql;

namespace Shop.Faults.Checking;

/// <summary>
/// Reads a run's history straight from PostgreSQL (each service's schema) once the shop has settled:
/// it waits, with a deadline, until every checked-out order is terminal, every outbox, inbox and
/// broker queue is empty and every async projection has caught up, then takes the events,
/// decisions, read models and backlogs as they are.
/// </summary>
public sealed class HistoryReader(NpgsqlDataSource database, BrokerQueues broker, DeadLetters deadLetters)
{
    public static readonly string[] Services = ["ordering", "inventory", "payments", "notifications"];

    private static readonly (string Service, string Model, string Table)[] ReadModelTables =
    [
        ("ordering", "order", "mt_doc_orderdetails"),
        ("inventory", "stock", "mt_doc_stocklevel"),
        ("payments", "payment", "mt_doc_paymentview"),
    ];

    /// <param name="before">The dead letters there were before the run: not this run's to answer for.</param>
    public async Task<History> ReadAsync(IReadOnlyList<RecordedRequest> requests, DateTimeOffset quiet, IReadOnlyList<DeadLetter> before, CancellationToken ct)
    {
        var deadline = Max(quiet, DateTimeOffset.UtcNow) + Invariants.TerminalWithin + TimeSpan.FromSeconds(15);
        DateTimeOffset? drained = null;
        while (true)
        {
            var backlogs = await BacklogsAsync(ct);
            if (backlogs.All(b => b.Outgoing + b.Incoming == 0))
            {
                // The broker is asked only once the tables are empty: rabbitmqctl takes a while.
                backlogs.AddRange(await broker.ReadAsync(ct));
            }

            if (backlogs.All(b => b.Outgoing + b.Incoming == 0))
            {
                drained ??= DateTimeOffset.UtcNow;
            }
            else
            {
                drained = null;
            }

            var settled = drained is not null && await AllTerminalAsync(ct) && await ProjectionsCaughtUpAsync(ct);
            if (settled || DateTimeOffset.UtcNow > deadline)
            {
                var known = before.Select(l => (l.Place, l.Id)).ToHashSet();
                var added = (await deadLetters.ReadAsync(ct)).Where(l => !known.Contains((l.Place, l.Id))).ToList();
                return new History(await EventsAsync(ct), requests, await ReservationsAsync(ct), await ReadModelsAsync(ct), backlogs, added, quiet, drained);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task<List<StoredEvent>> EventsAsync(CancellationToken ct)
    {
        var events = new List<StoredEvent>();
        foreach (var service in Services)
        {
            await using var reader = await database.CreateCommand(
                $"select stream_id, version, type, data::text, timestamp from {service}.mt_events order by seq_id").ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                using var data = JsonDocument.Parse(reader.GetString(3));
                events.Add(new StoredEvent(service, reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), data.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        return events;
    }

    private async Task<Dictionary<Guid, string>> ReservationsAsync(CancellationToken ct)
    {
        var reservations = new Dictionary<Guid, string>();
        await using var reader = await database.CreateCommand("select id, data->>'status' from inventory.mt_doc_orderreservation").ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            reservations[reader.GetGuid(0)] = reader.GetString(1);
        }

        return reservations;
    }

    private async Task<List<ReadModelRow>> ReadModelsAsync(CancellationToken ct)
    {
        var rows = new List<ReadModelRow>();
        foreach (var (service, model, table) in ReadModelTables)
        {
            await using var reader = await database.CreateCommand($"select id, data::text from {service}.{table}").ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                using var data = JsonDocument.Parse(reader.GetString(1));
                rows.Add(new ReadModelRow(service, model, reader.GetGuid(0), data.RootElement.Clone()));
            }
        }

        return rows;
    }

    private async Task<List<Backlog>> BacklogsAsync(CancellationToken ct)
    {
        var backlogs = new List<Backlog>();
        foreach (var service in Services)
        {
            // A scheduled saga timeout (the *TimedOut messages) waits for its time and is no backlog; any
            // other scheduled row is a retry after a failure (the database away, say) still to come.
            var counts = await database.CreateCommand($"""
                select (select count(*) from {service}.wolverine_outgoing_envelopes)::int,
                       (select count(*) from {service}.wolverine_incoming_envelopes
                        where status = 'Incoming' or (status = 'Scheduled' and message_type not like '%TimedOut'))::int
                """).ExecuteReaderAsync(ct);
            await using (counts)
            {
                await counts.ReadAsync(ct);
                backlogs.Add(new Backlog(service, counts.GetInt32(0), counts.GetInt32(1)));
            }
        }

        return backlogs;
    }

    private async Task<bool> AllTerminalAsync(CancellationToken ct) => (long)(await database.CreateCommand("""
        select count(*) from ordering.mt_events c
        where c.type = 'order_checked_out'
          and not exists (select 1 from ordering.mt_events t where t.stream_id = c.stream_id and t.type in ('order_confirmed', 'order_cancelled'))
        """).ExecuteScalarAsync(ct))! == 0;

    private async Task<bool> ProjectionsCaughtUpAsync(CancellationToken ct)
    {
        foreach (var service in Services)
        {
            var behind = (long)(await database.CreateCommand($"""
                select count(*) from {service}.mt_event_progression
                where name not like 'HighWater%' and last_seq_id < (select coalesce(max(seq_id), 0) from {service}.mt_events)
                """).ExecuteScalarAsync(ct))!;
            if (behind > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
