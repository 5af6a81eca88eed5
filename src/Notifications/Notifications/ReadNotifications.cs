using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Notifications.Notifications;

/// <summary>The caller's notifications, newest first; admins and auditors may ask for any customer's with <c>?customerId=</c>.</summary>
public static class ReadNotificationsEndpoint
{
    [WolverineGet("/notifications", OperationId = "listNotifications"), ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden), ReadsOwnWrites]
    [EndpointSummary("List the notifications sent to the caller (admins and auditors: any customer's)."), ProducesResponseType<Page<NotificationView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid? customerId, int? page, int? pageSize, ClaimsPrincipal caller, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        if (Paging.Problem(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (await session.WaitForTokenAsync<NotificationView>(http) is { } refused)
        {
            return refused;
        }

        if (customerId is not null && customerId != caller.UserId() && !caller.IsAdminOrAuditor())
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only admins and auditors read other customers' notifications.");
        }

        var whose = customerId ?? caller.UserId();
        return Results.Ok(await session.Query<NotificationView>()
            .Where(n => n.CustomerId == whose)
            .OrderByDescending(n => n.RequestedAt)
            .ToPageAsync(page, pageSize, ct));
    }
}
