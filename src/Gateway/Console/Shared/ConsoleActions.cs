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
            .RequireConsoleForm()
            .ExcludeFromDescription();
        actions.MapDeadLetterActions();
        actions.MapRebuildAction();
        actions.MapVerifyAction();
        return actions;
    }

    /// <summary>Back to the page the form was on (a console page only), to show what happened.</summary>
    public static IResult Back(string? back, string fallback) =>
        Results.Redirect(LocalPaths.Console(back, fallback));
}
