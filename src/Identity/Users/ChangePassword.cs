using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

public sealed record ChangePassword(string? CurrentPassword, string? NewPassword) : IHasExample<ChangePassword>
{
    public static ChangePassword Example => new("correct horse battery staple", "a longer passphrase than before");
}

/// <summary>A user sets a new password, proving they know the current one.</summary>
public static class ChangePasswordEndpoint
{
    public static ProblemDetails Validate(ChangePassword command) => Validation.Check(
        ("currentPassword", string.IsNullOrEmpty(command.CurrentPassword) ? "Current password is required." : null),
        ("newPassword", CredentialRules.PasswordProblem(command.NewPassword)));

    public static Decision Decide(User user, bool currentPasswordMatches, string newHash)
    {
        if (!user.Active)
        {
            return Decision.Conflict(ProblemCodes.AccountDeactivated, "The account is deactivated.");
        }

        return currentPasswordMatches
            ? Decision.Accept(new PasswordChanged(user.Id, newHash))
            : Decision.Reject(ErrorKind.Invalid, "The current password is wrong.", ProblemCodes.WrongCurrentPassword);
    }

    [WolverinePost("/users/me/password", OperationId = "changeMyPassword")]
    [EndpointSummary("Change the caller's password."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(ChangePassword command, ClaimsPrincipal caller, IDocumentSession session, PasswordHasher hasher, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(caller.UserId(), http, bus, user => Decide(
            user,
            hasher.Verify(user.PasswordHash, command.CurrentPassword!).Valid,
            hasher.Hash(command.NewPassword!)));
}
