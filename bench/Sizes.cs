namespace Shop.Bench;

/// <summary>How long and how large each measurement is: the full run stays under 10 minutes, the quick one checks that everything works.</summary>
public sealed record Sizes(
    bool Quick,
    int Customers,
    int Products,
    TimeSpan WarmUp,
    IReadOnlyList<int> ConcurrencySteps,
    TimeSpan StepDuration,
    TimeSpan SteadyDuration,
    TimeSpan PgbenchDuration,
    int PgbenchScale,
    TimeSpan AppendDuration,
    int AppendBatch,
    long RebuildEvents,
    TimeSpan WrkDuration,
    IReadOnlyList<string> ColdStartServices)
{
    public static readonly IReadOnlyList<string> Services = ["Identity", "Inventory", "Payments", "Ordering", "Notifications", "Gateway"];

    public static Sizes Full { get; } = new(
        Quick: false,
        Customers: 16,
        Products: 20,
        WarmUp: TimeSpan.FromSeconds(10),
        ConcurrencySteps: [4, 8, 16, 32, 64, 128],
        StepDuration: TimeSpan.FromSeconds(20),
        SteadyDuration: TimeSpan.FromSeconds(60),
        PgbenchDuration: TimeSpan.FromSeconds(20),
        PgbenchScale: 10,
        AppendDuration: TimeSpan.FromSeconds(8),
        AppendBatch: 1000,
        RebuildEvents: 1_000_000,
        WrkDuration: TimeSpan.FromSeconds(10),
        ColdStartServices: Services);

    public static Sizes Tiny { get; } = new(
        Quick: true,
        Customers: 2,
        Products: 2,
        WarmUp: TimeSpan.FromSeconds(3),
        ConcurrencySteps: [2, 4],
        StepDuration: TimeSpan.FromSeconds(4),
        SteadyDuration: TimeSpan.FromSeconds(5),
        PgbenchDuration: TimeSpan.FromSeconds(2),
        PgbenchScale: 1,
        AppendDuration: TimeSpan.FromSeconds(1),
        AppendBatch: 100,
        RebuildEvents: 10_000,
        WrkDuration: TimeSpan.FromSeconds(2),
        ColdStartServices: ["Inventory"]);
}
