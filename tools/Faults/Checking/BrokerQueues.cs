using System.Globalization;

namespace Shop.Faults.Checking;

/// <summary>
/// The messages the broker still holds, queue by queue (ready and unacknowledged alike), read with
/// <c>rabbitmqctl</c> through <c>scripts/infra.sh ctl</c>: a message sent from an outbox and not yet
/// in an inbox is in neither table, so the shop is not settled while a queue holds one. The
/// management API is no substitute: its counts lag by the statistics interval.
/// </summary>
public sealed class BrokerQueues(Scripts scripts)
{
    public const string DeadLetterQueue = "wolverine-dead-letter-queue";

    public async Task<IReadOnlyList<Backlog>> ReadAsync(CancellationToken ct) =>
        Parse(await scripts.RunAsync("infra.sh", ["ctl", "list_queues", "--quiet", "--no-table-headers", "name", "messages"], ct));

    /// <summary>One backlog of incoming messages per non-empty queue; the dead-letter queue's messages are <see cref="DeadLetters"/>' business.</summary>
    public static IReadOnlyList<Backlog> Parse(string listQueuesOutput) =>
    [
        .. listQueuesOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', StringSplitOptions.TrimEntries))
            .Where(columns => columns.Length == 2 && int.TryParse(columns[1], CultureInfo.InvariantCulture, out var count) && count > 0)
            .Select(columns => (Queue: columns[0], Messages: int.Parse(columns[1], CultureInfo.InvariantCulture)))
            .Where(q => q.Queue != DeadLetterQueue)
            .Select(q => new Backlog($"broker queue {q.Queue}", 0, q.Messages)),
    ];
}
