using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

/// <summary>
/// An admin closes an account (optionally saying why in <c>?reason=</c>): it can no longer log in, and
/// its tokens stop working when they expire.
/// </summary>
public static class DeactivateEndpoint
{
    public static Decision Decide(User user, Guid by, string? reason) =>
        user.Active ? Decision.Accept(new UserDeactivated(user.Id, by, reason?.Trim())) : Decision.Accept();

    [WolverinePost("/users/{id}/deactivate", OperationId = "deactivateUser"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Deactivate a user, who can then no longer log in."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, string? reason, ClaimsPrincipal caller, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(id, http, bus, user => Decide(user, caller.UserId(), reason));
}
