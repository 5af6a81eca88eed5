using Shop.ServiceDefaults.Projections;

namespace Shop.ServiceDefaults.Tests;

public class when_a_projection_is_watched_for_stalls
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly StallWatch _watch = new(TimeSpan.FromSeconds(30));

    [Fact]
    public void a_shard_that_stands_still_while_events_wait_is_stalled_once_the_threshold_has_passed()
    {
        _watch.Observe("OrderDetails:All", 10, eventsBehind: 5, Start).ShouldBeFalse();

        _watch.Observe("OrderDetails:All", 10, eventsBehind: 7, Start.AddSeconds(29)).ShouldBeFalse();
        _watch.Observe("OrderDetails:All", 10, eventsBehind: 9, Start.AddSeconds(31)).ShouldBeTrue();
    }

    [Fact]
    public void a_shard_that_moves_is_busy_not_stalled()
    {
        _watch.Observe("OrderDetails:All", 10, eventsBehind: 50, Start);
        _watch.Observe("OrderDetails:All", 20, eventsBehind: 50, Start.AddSeconds(20));

        _watch.Observe("OrderDetails:All", 20, eventsBehind: 50, Start.AddSeconds(45)).ShouldBeFalse();
    }

    [Fact]
    public void a_shard_with_nothing_to_do_is_never_stalled()
    {
        _watch.Observe("OrderDetails:All", 10, eventsBehind: 0, Start);

        _watch.Observe("OrderDetails:All", 10, eventsBehind: 0, Start.AddMinutes(10)).ShouldBeFalse();
    }
}
