using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Identity.Users;

public sealed record UserStatus(Guid Id, bool Active);

/// <summary>
/// Whether an account is active, read from its event stream (never stale): other services ask this
/// before acting for a caller, with the caller's own token.
/// </summary>
public static class UserStatusEndpoint
{
    [WolverineGet("/users/{id}/status", OperationId = "getUserStatus")]
    [EndpointSummary("Tell whether a user is active now."), ProducesResponseType<UserStatus>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id, ClaimsPrincipal caller, IQuerySession session, CancellationToken ct)
    {
        if (id != caller.UserId() && !caller.IsAdminOrAuditor())
        {
            return Problems.NotFound("User");
        }

        var user = await session.Events.AggregateStreamAsync<User>(id, token: ct);
        return user is null ? Problems.NotFound("User") : Results.Ok(new UserStatus(user.Id, user.Active));
    }
}
