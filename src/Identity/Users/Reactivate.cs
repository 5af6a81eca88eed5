using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

/// <summary>An admin reopens a deactivated account.</summary>
public static class ReactivateEndpoint
{
    public static Decision Decide(User user, Guid by) => user switch
    {
        { Forgotten: true } => Decision.Conflict(ProblemCodes.AccountForgotten, "The account was forgotten; it can never be reopened."),
        { Active: true } => Decision.Accept(),
        _ => Decision.Accept(new UserReactivated(user.Id, by)),
    };

    [WolverinePost("/users/{id}/reactivate", OperationId = "reactivateUser"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Reactivate a deactivated user."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, ClaimsPrincipal caller, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(id, http, bus, user => Decide(user, caller.UserId()));
}
