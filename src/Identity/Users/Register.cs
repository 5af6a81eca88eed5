using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

/// <summary>Sign-up. Anyone may register; every new account is a customer (a role in the body is ignored).</summary>
public sealed record RegisterUser(string? Email, string? Password, string? DisplayName) : IHasExample<RegisterUser>
{
    public static RegisterUser Example => new("ada@example.com", "correct horse battery staple", "Ada");
}

public static class RegisterEndpoint
{
    public static ProblemDetails Validate(RegisterUser command) => Validation.Check(
        ("email", CredentialRules.EmailProblem(command.Email)),
        ("password", CredentialRules.PasswordProblem(command.Password)),
        ("displayName", CredentialRules.DisplayNameProblem(command.DisplayName)));

    [WolverinePost("/users", OperationId = "registerUser"), AllowAnonymous]
    [EndpointSummary("Register as a customer."), ProducesResponseType<WriteAccepted>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(RegisterUser command, IDocumentSession session, PasswordHasher hasher, IMessageBus bus, HttpContext http)
    {
        var registered = await Registration.StartAsync(
            session, hasher, command.Email!, command.DisplayName!, command.Password!, [ShopRoles.Customer], http.RequestAborted);
        if (registered is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "An account with this e-mail already exists.");
        }

        foreach (var message in IntegrationEvents.For([registered]))
        {
            await bus.PublishAsync(message);
        }

        http.Response.SetETag(1);
        return Results.Created($"/users/{registered.UserId}", new WriteAccepted(registered.UserId, 1));
    }
}
