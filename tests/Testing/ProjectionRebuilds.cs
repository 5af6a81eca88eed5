using Alba;
using Marten;
using Marten.Events;

namespace Shop.Testing;

/// <summary>The operator's rebuild, checked end to end: the read models after a command-line rebuild equal those before.</summary>
public static class ProjectionRebuilds
{
    /// <summary>
    /// Runs the service on <paramref name="schema"/>, lets <paramref name="seed"/> write through it, stops
    /// it (the command line rebuilds with a daemon of its own, so the service must not run), empties
    /// the read-model tables, runs <c>projections rebuild</c> and returns the rows before and after.
    /// </summary>
    public static async Task<(List<string> Before, List<string> After, ServiceCli.Outcome Outcome)> FromCommandLineAsync(
        string service,
        string schema,
        IReadOnlyList<string> tables,
        Func<Task<IAlbaHost>> start,
        Func<IAlbaHost, Task> seed,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken ct = default)
    {
        await using (var host = await start())
        {
            await host.ResetAllMartenDataAsync();
            await seed(host);
            await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        }

        var query = string.Join(" union all ", tables.Select(t => $"select data::text from {schema}.{t}")) + " order by 1";
        var before = await Database.RowsAsync(query, ct);
        await Database.ExecuteAsync(string.Join("; ", tables.Select(t => $"delete from {schema}.{t}")), ct);

        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["Shop__Schema"] = schema };
        var outcome = await ServiceCli.RunAsync(service, "projections rebuild", variables, ct: ct);
        return (before, await Database.RowsAsync(query, ct), outcome);
    }
}
