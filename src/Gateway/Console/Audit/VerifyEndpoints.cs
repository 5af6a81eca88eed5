using Shop.Gateway.Console.Shared;
using Shop.Gateway.Routing;

namespace Shop.Gateway.Console.Audit;

/// <summary>Verifying one service's event log, or every service's at once, from the console; the audit page shows the result.</summary>
public static class VerifyEndpoints
{
    public static RouteGroupBuilder MapVerifyAction(this RouteGroupBuilder actions)
    {
        actions.MapPost("/audit/{service}/verify", async (string service, AdminApi api, HttpContext http) =>
            AdminApi.IsService(service) ? await VerifyAsync([service], api, http) : Results.NotFound());
        actions.MapPost("/audit/verify", (AdminApi api, HttpContext http) => VerifyAsync(EveryService.Names, api, http));
        return actions;
    }

    private static async Task<IResult> VerifyAsync(IReadOnlyList<string> services, AdminApi api, HttpContext http)
    {
        var outcomes = await Task.WhenAll(services.Select(s => api.PostAsync(s, "/admin/audit/verify")));
        var failed = outcomes.Where(o => !o.Succeeded).Select(o => o.Message).ToList();
        ConsoleNotice.Leave(
            http,
            failed.Count == 0 ? $"Verified {string.Join(", ", services)}." : $"Could not verify: {string.Join("; ", failed)}.",
            failed.Count > 0);
        return Results.Redirect("/console/audit");
    }
}
