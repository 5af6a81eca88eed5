using System.Security.Claims;
using Marten;
using Shop.ServiceDefaults.Http;
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
    [WolverineGet("/users/me")]
    public static Task<IResult> Me(ClaimsPrincipal user, IQuerySession session, HttpContext http) =>
        ReadAsync(user.UserId(), session, http);

    [WolverineGet("/users/{id}")]
    public static Task<IResult> ById(Guid id, ClaimsPrincipal user, IQuerySession session, HttpContext http) =>
        id == user.UserId() || user.IsAdminOrAuditor() ? ReadAsync(id, session, http) : Task.FromResult(Problems.NotFound("User"));

    private static async Task<IResult> ReadAsync(Guid id, IQuerySession session, HttpContext http)
    {
        var view = await session.LoadAtLeastAsync<UserView>(id, http.Request.MinVersion(), http.RequestAborted);
        if (view is null)
        {
            return Problems.NotFound("User");
        }

        http.Response.SetETag(view.Version);
        return Results.Ok(view);
    }
}
