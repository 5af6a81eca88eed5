using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

/// <summary>
/// An admin takes a role away. Revoking a role the user does not have changes nothing; the last active
/// admin keeps the admin role (the roster refuses).
/// </summary>
public static class RevokeRoleEndpoint
{
    public static Decision Decide(User user, string role, Guid by)
    {
        if (!user.Active)
        {
            return Decision.Conflict(ProblemCodes.AccountDeactivated, "The user is deactivated; reactivate them first.");
        }

        return user.Roles.Contains(role) ? Decision.Accept(new RoleRevoked(user.Id, role, by)) : Decision.Accept();
    }

    [WolverineDelete("/users/{id}/roles/{role}", OperationId = "revokeRole"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Revoke a role from a user."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Delete(Guid id, string role, ClaimsPrincipal caller, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        RoleRules.Problem(role) is { } problem
            ? Task.FromResult(Problems.BadRequest("role", problem))
            : session.DecideAsync(id, http, bus, user => Decide(user, role, caller.UserId()));
}
