using Microsoft.AspNetCore.Mvc;
using Shop.Gateway.Console.Shared;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.DeadLetters;

namespace Shop.Gateway.Console.DeadLetters;

/// <summary>The console's dead-letter buttons: each asks the service's own admin endpoint, then leads back with what it did.</summary>
public static class DeadLetterActionEndpoints
{
    private static readonly Dictionary<string, string> Done = new(StringComparer.Ordinal)
    {
        ["replay"] = "Replayed",
        ["archive"] = "Archived",
        ["discard"] = "Discarded",
    };

    public static RouteGroupBuilder MapDeadLetterActions(this RouteGroupBuilder actions)
    {
        actions.MapPost("/dead-letters/{service}/{action:regex(^(replay|archive|discard)$)}", ActAsync);
        actions.MapPost("/dead-letters/{service}/import", ImportAsync);
        return actions;
    }

    private static async Task<IResult> ActAsync(
        string service, string action, AdminApi api, HttpContext http, [FromForm] Guid? id, [FromForm] string? failureGroup, [FromForm] string? back)
    {
        if (!AdminApi.IsService(service))
        {
            return Results.NotFound();
        }

        var selection = id is { } one ? new DeadLetterSelection(Ids: [one]) : new DeadLetterSelection(FailureGroup: failureGroup);
        var outcome = await api.PostAsync(service, $"/admin/dead-letters/{action}", selection);
        var affected = outcome.Body?.TryGetProperty("affected", out var count) == true ? count.GetInt32() : 0;
        ConsoleNotice.Leave(http, outcome.Succeeded ? $"{Done[action]} {affected} dead letter{(affected == 1 ? "" : "s")} in {service}." : outcome.Message, !outcome.Succeeded);
        return ConsoleActions.Back(back, "/console/dead-letters");
    }

    private static async Task<IResult> ImportAsync(string service, AdminApi api, HttpContext http, [FromForm] string? back)
    {
        if (!AdminApi.IsService(service))
        {
            return Results.NotFound();
        }

        var outcome = await api.PostAsync(service, "/admin/dead-letters/import");
        var moved = outcome.Body?.TryGetProperty("affected", out var count) == true ? count.GetInt32() : 0;
        ConsoleNotice.Leave(http, outcome.Succeeded ? $"Moved {moved} messages from the broker into {service}'s dead letters." : outcome.Message, !outcome.Succeeded);
        return ConsoleActions.Back(back, "/console/dead-letters");
    }
}
