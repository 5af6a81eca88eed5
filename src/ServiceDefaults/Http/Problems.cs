using Microsoft.AspNetCore.Http;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.ServiceDefaults.Http;

/// <summary>The ProblemDetails answers the services give, in one place so they read the same everywhere.</summary>
public static class Problems
{
    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{what} was not found.");

    public static IResult PreconditionFailed(long current, long expected) =>
        Results.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "Precondition failed",
            detail: $"If-Match named version {expected}, but the resource is at version {current}. Read it again and retry.");

    public static IResult BadRequest(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult From(DomainError error)
    {
        var (status, title) = error.Kind switch
        {
            ErrorKind.Invalid => (StatusCodes.Status400BadRequest, "Invalid request"),
            ErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            _ => (StatusCodes.Status409Conflict, "Conflict"),
        };
        return Results.Problem(statusCode: status, title: title, detail: error.Message, extensions: Code(error.Code ?? ProblemCodes.ForStatus(status)));
    }

    /// <summary>The <c>code</c> member of a problem answer (the others get theirs from their status).</summary>
    public static Dictionary<string, object?> Code(string code) => new() { ["code"] = code };
}
