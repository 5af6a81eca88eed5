using Microsoft.AspNetCore.Http;
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

    public static IResult From(DomainError error) => error.Kind switch
    {
        ErrorKind.Invalid => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: error.Message),
        ErrorKind.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: error.Message),
        _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: error.Message),
    };
}
