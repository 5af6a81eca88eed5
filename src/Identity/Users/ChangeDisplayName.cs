using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

public sealed record ChangeDisplayName(string? DisplayName) : IHasExample<ChangeDisplayName>
{
    public static ChangeDisplayName Example => new("Ada L.");
}

/// <summary>A user renames themselves.</summary>
public static class ChangeDisplayNameEndpoint
{
    public static ProblemDetails Validate(ChangeDisplayName command) =>
        Validation.Check(("displayName", CredentialRules.DisplayNameProblem(command.DisplayName)));

    public static Decision Decide(User user, string displayName)
    {
        if (!user.Active)
        {
            return Decision.Conflict(ProblemCodes.AccountDeactivated, "The account is deactivated.");
        }

        var name = displayName.Trim();
        return name == user.DisplayName.Value ? Decision.Accept() : Decision.Accept(new DisplayNameChanged(user.Id, PersonalData.Of(user.Id, name)));
    }

    [WolverinePut("/users/me/display-name", OperationId = "changeMyDisplayName")]
    [EndpointSummary("Change the caller's display name."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Put(ChangeDisplayName command, ClaimsPrincipal caller, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(caller.UserId(), http, bus, user => Decide(user, command.DisplayName!));
}
