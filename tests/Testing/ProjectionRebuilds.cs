using Alba;
using Marten;
using Marten.Events;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shouldly;

namespace Shop.Testing;

/// <summary>The operator's rebuild, checked end to end: the read models after a command-line rebuild equal those before.</summary>
public static class ProjectionRebuilds
{
    /// <summary>
    /// Asks the running service to rebuild <paramref name="projection"/> (202 and the rebuild's address), follows the
    /// rebuild there until it has finished and returns its last status, which must be done.
    /// </summary>
    public static async Task<RebuildStatus> ThroughAdminEndpointAsync(IAlbaHost host, string projection, string adminToken)
    {
        var started = await host.Scenario(s =>
        {
            s.Post.Url($"/admin/projections/{projection}/rebuild");
            s.Bearer(adminToken);
            s.StatusCodeShouldBe(202);
        });
        var location = started.Context.Response.Headers.Location.ToString();
        var status = await Eventually.ValueAsync(
            async () => (await (await host.Scenario(s =>
            {
                s.Get.Url(location);
                s.Bearer(adminToken);
                s.StatusCodeShouldBeOk();
            })).ReadAsJsonAsync<RebuildStatus>())!,
            s => s.Finished,
            TimeSpan.FromSeconds(120),
            $"the rebuild of {projection} finishing");
        status.State.ShouldBe("done", status.Error);
        return status;
    }

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
