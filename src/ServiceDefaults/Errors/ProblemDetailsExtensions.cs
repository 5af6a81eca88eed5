using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using JasperFx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Errors;

public static partial class ProblemDetailsExtensions
{
    /// <summary>RFC 9457 bodies for every error, each carrying the trace id so a client can quote it.</summary>
    public static IServiceCollection AddShopProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Extensions.TryAdd("code", CodeOf(ctx));
            ctx.ProblemDetails.Detail = WithoutTypeNames(ctx.ProblemDetails.Detail);
        });

    /// <summary>
    /// A body that does not fit the operation is answered with the JSON serializer's message, which names
    /// the server's .NET types ("could not be converted to Shop.Ordering.Orders.RequestedItem"): the client
    /// gets the place in its own JSON instead, and learns nothing of the code behind it.
    /// </summary>
    private static string? WithoutTypeNames(string? detail) =>
        detail is null || !detail.Contains("could not be converted to", StringComparison.Ordinal)
            ? detail
            : JsonPath().Match(detail) is { Success: true } path
                ? $"The value of {path.Groups[1].Value} does not have the type this operation expects."
                : "A value in the request body does not have the type this operation expects.";

    [GeneratedRegex(@"Path: (\$\S*)")]
    private static partial Regex JsonPath();

    private static string CodeOf(ProblemDetailsContext ctx) => (ctx.ProblemDetails, ctx.Exception) switch
    {
        (HttpValidationProblemDetails, _) => ProblemCodes.ValidationFailed,
        (_, ConcurrencyException) => ProblemCodes.ConcurrencyConflict,
        var (problem, _) => ProblemCodes.ForStatus(problem.Status ?? ctx.HttpContext.Response.StatusCode),
    };

    /// <summary>
    /// Unhandled exceptions become a bare 500 ProblemDetails (the exception handler never writes the
    /// stack trace); malformed requests become 400; empty error responses get a ProblemDetails body.
    /// </summary>
    public static WebApplication UseShopErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                JsonException => StatusCodes.Status400BadRequest,
                // Lost races the endpoint did not see coming: a duplicate key, a stream that moved on.
                DocumentAlreadyExistsException or ConcurrencyException => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
