using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Shop.ServiceDefaults.Http;

/// <summary>Field checks for Wolverine's Validate step: a 400 naming every bad field, or on to the endpoint.</summary>
public static class Validation
{
    public static ProblemDetails Check(params (string Field, string? Problem)[] checks)
    {
        var errors = checks
            .Where(c => c.Problem is not null)
            .GroupBy(c => c.Field)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Problem!).ToArray());
        return errors.Count == 0
            ? WolverineContinue.NoProblems
            : new ValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "The request has invalid fields." };
    }
}
