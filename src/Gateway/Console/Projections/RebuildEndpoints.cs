using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Gateway.Console.Shared;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Console.Projections;

/// <summary>Starting a rebuild from the console, and the piece of its page that the browser asks for while it runs.</summary>
public static class RebuildEndpoints
{
    public static RouteGroupBuilder MapRebuildAction(this RouteGroupBuilder actions)
    {
        actions.MapPost("/projections/{service}/{projection}/rebuild", RebuildAsync);
        return actions;
    }

    public static IEndpointRouteBuilder MapRebuildProgress(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console/projections/{service}/rebuilds/{id:guid}/progress", ProgressAsync)
            .RequireAuthorization(ShopPolicies.AdminOrAuditor).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> RebuildAsync(string service, string projection, AdminApi api, HttpContext http)
    {
        if (!AdminApi.IsService(service))
        {
            return Results.NotFound();
        }

        var outcome = await api.PostAsync(service, $"/admin/projections/{Uri.EscapeDataString(projection)}/rebuild");
        if (!outcome.Succeeded || outcome.Body?.TryGetProperty("id", out var id) != true)
        {
            ConsoleNotice.Leave(http, outcome.Message, failed: true);
            return Results.Redirect("/console/projections");
        }

        ConsoleNotice.Leave(http, $"Rebuilding {projection} in {service}.");
        return Results.Redirect($"/console/projections/{service}/rebuilds/{id.GetGuid()}");
    }

    private static async Task<IResult> ProgressAsync(string service, Guid id, AdminApi api)
    {
        if (!AdminApi.IsService(service))
        {
            return Results.NotFound();
        }

        var status = await api.ReadAsync<RebuildStatus>(service, $"/admin/projections/rebuilds/{id}");
        // A service that did not answer this time is asked again on the next tick: the old progress stays on the page.
        return status.Value is { } value
            ? new RazorComponentResult<RebuildProgress>(new { Service = service, Status = value })
            : Results.StatusCode(StatusCodes.Status204NoContent);
    }
}
