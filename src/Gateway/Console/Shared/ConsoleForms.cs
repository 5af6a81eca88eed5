using Microsoft.AspNetCore.Antiforgery;

namespace Shop.Gateway.Console.Shared;

public static class ConsoleForms
{
    /// <summary>
    /// Only a form posted from one of the console's own pages (its antiforgery token) is accepted. The antiforgery
    /// middleware checks every such endpoint's token but leaves the refusal to form binding, which an endpoint without
    /// form fields never does: refused here for all of them alike.
    /// </summary>
    public static TBuilder RequireConsoleForm<TBuilder>(this TBuilder endpoints)
        where TBuilder : IEndpointConventionBuilder =>
        endpoints.WithMetadata(new RequireAntiforgeryTokenAttribute()).AddEndpointFilter(RefuseForgedAsync);

    private static async ValueTask<object?> RefuseForgedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: true }
            ? await next(context)
            : Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Not sent from the console",
                detail: "Console forms are posted from the console's own pages; this request carried no valid antiforgery token.");
}
