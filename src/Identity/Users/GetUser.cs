using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Identity.Users;

/// <summary>
/// Reading accounts: your own, or any as an admin or auditor; someone else's id is a 404, never a 403.
/// Send <c>X-Min-Version</c> (the ETag of a write) to read what that write changed.
/// </summary>
public static class GetUserEndpoints
{
    [WolverineGet("/users/me", OperationId = "getMyProfile"), ReadsOwnWrites]
    [EndpointSummary("Read the caller's own profile."), ProducesResponseType<UserView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public static Task<IResult> Me(ClaimsPrincipal user, IQuerySession session, HttpContext http) =>
        session.ReadAsync<UserView>(user.UserId(), http, "User", knownToExist: true);

    [WolverineGet("/users/{id}", OperationId = "getUser"), ReadsOwnWrites]
    [EndpointSummary("Read a user's profile (one's own; admins and auditors any)."), ProducesResponseType<UserView>(StatusCodes.Status200OK)]
    public static Task<IResult> ById(Guid id, IQuerySession session, HttpContext http) =>
        session.ReadAsync<UserView>(id, http, "User", user => user.Id);
}
