using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Shop.Inventory.Tests;

/// <summary>
/// Marten's <c>marten.fetch_for_writing.events_replayed</c> for one aggregate type while it is open: how many
/// events each write folded to rebuild the aggregate, and through which plan (Live, Inline or Async).
/// </summary>
public sealed class EventsReplayed : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Plan, long Events)> _fetches = new();

    /// <param name="aggregateType">The aggregate's full type name, as Marten tags it.</param>
    public EventsReplayed(string aggregateType)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Marten" && instrument.Name == "marten.fetch_for_writing.events_replayed")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, events, tags, _) =>
        {
            string? aggregate = null, plan = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "aggregate.type")
                {
                    aggregate = tag.Value as string;
                }
                else if (tag.Key == "fetch.plan")
                {
                    plan = tag.Value as string;
                }
            }

            if (aggregate == aggregateType && plan is not null)
            {
                _fetches.Enqueue((plan, events));
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Plan, long Events)> Fetches => [.. _fetches];

    public void Dispose() => _listener.Dispose();
}
