using Marten;
using Wolverine.Runtime;

namespace Shop.Ordering.Fulfilment;

/// <summary>
/// Gives up on the sagas whose step has passed its <see cref="OrderFulfilment.Deadline"/>: every
/// <see cref="LookEvery"/> it reads the overdue ones and sends each its step's timeout through the
/// durable local queue. Only sagas still in flight are stored, so the look reads a handful of rows.
/// Every Ordering process looks; a timeout is sent once per saga step from each, and the saga
/// ignores one that no longer matches its step, so a second copy changes nothing. Nothing is lost
/// in a crash: the deadline is in the saga's own row, and the next look of any process finds it.
/// </summary>
public sealed partial class FulfilmentDeadlines(IDocumentStore store, IWolverineRuntime wolverine, TimeProvider clock, ILogger<FulfilmentDeadlines> log) : BackgroundService
{
    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);

    private const int MostPerLook = 500;
    private readonly HashSet<(Guid Id, FulfilmentStep Step)> _sent = [];

    /// <summary>The timeout for a saga's current step.</summary>
    public static object TimeoutFor(OrderFulfilment saga) => saga.Step switch
    {
        FulfilmentStep.Reserving => new ReservationTimedOut(saga.Id),
        _ => new PaymentTimedOut(saga.Id),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(LookEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await LookAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LookFailed(e);
            }
        }
    }

    private async Task LookAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<OrderFulfilment> overdue;
        await using (var session = store.QuerySession())
        {
            overdue = await session.Query<OrderFulfilment>().Where(s => s.Deadline != null && s.Deadline <= now).Take(MostPerLook).ToListAsync(ct);
        }

        // Forget what was sent for sagas that moved on or ended, so the set stays as small as the overdue list.
        _sent.IntersectWith(overdue.Select(s => (s.Id, s.Step)));
        var bus = new MessageBus(wolverine);
        foreach (var saga in overdue.Where(s => !_sent.Contains((s.Id, s.Step))))
        {
            // Counted as sent only once the durable queue has it: a publish that fails (the database
            // away) is tried again on the next look.
            await bus.PublishAsync(TimeoutFor(saga));
            _sent.Add((saga.Id, saga.Step));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for sagas past their deadline failed; looking again shortly")]
    private partial void LookFailed(Exception e);
}
