using Microsoft.AspNetCore.Antiforgery;
using Shop.Gateway.Console.Audit;
using Shop.Gateway.Console.DeadLetters;
using Shop.Gateway.Console.Projections;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Console.Shared;

/// <summary>
/// Everything the console can change, under /console/actions: forms posted from its own pages (an antiforgery
/// token required), by admins only. Anyone else is answered 403, whatever the page they came from offered.
/// </summary>
public static class ConsoleActions
{
    public static RouteGroupBuilder MapConsoleActions(this IEndpointRouteBuilder endpoints)
    {
        var actions = endpoints.MapGroup("/console/actions")
            .RequireAuthorization(ShopPolicies.Admin)
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .AddEndpointFilter(RefuseForgedAsync)
            .ExcludeFromDescription();
        actions.MapDeadLetterActions();
        actions.MapRebuildAction();
        actions.MapVerifyAction();
        return actions;
    }

    /// <summary>
    /// The antiforgery middleware checks every action's token but leaves the refusal to form binding, which an action
    /// without form fields never does: refused here for all of them alike.
    /// </summary>
    private static async ValueTask<object?> RefuseForgedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: true }
            ? await next(context)
            : Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Not sent from the console",
                detail: "Console actions are forms posted from the console's own pages; this request carried no valid antiforgery token.");

    /// <summary>Back to the page the form was on (a console page only), to show what happened.</summary>
    public static IResult Back(string? back, string fallback) =>
        Results.Redirect(LocalPaths.Console(back, fallback));
}
