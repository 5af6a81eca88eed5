using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

public sealed record GrantRole(string? Role) : IHasExample<GrantRole>
{
    public static GrantRole Example => new("auditor");
}

/// <summary>An admin gives a user a role. Granting a role the user already has changes nothing.</summary>
public static class GrantRoleEndpoint
{
    public static ProblemDetails Validate(GrantRole command) => Validation.Check(("role", RoleRules.Problem(command.Role)));

    public static Decision Decide(User user, string role, Guid by)
    {
        if (!user.Active)
        {
            return Decision.Conflict(ProblemCodes.AccountDeactivated, "The user is deactivated; reactivate them first.");
        }

        return user.Roles.Contains(role) ? Decision.Accept() : Decision.Accept(new RoleGranted(user.Id, role, by));
    }

    [WolverinePost("/users/{id}/roles", OperationId = "grantRole"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Grant a role to a user."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, GrantRole command, ClaimsPrincipal caller, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(id, http, bus, user => Decide(user, command.Role!, caller.UserId()));
}

public static class RoleRules
{
    public static string? Problem(string? role) => role is not null && ShopRoles.All.Contains(role)
        ? null
        : $"Role must be one of: {string.Join(", ", ShopRoles.All.Order(StringComparer.Ordinal))}.";
}
