using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.DeadLetters;

public static class DeadLetterEndpoints
{
    /// <summary>
    /// /admin/dead-letters: the overview, the list and one dead letter for admins and auditors; replay, discard,
    /// archive and the import from the broker for admins only.
    /// </summary>
    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/dead-letters").WithMetadata(new OperationEndpointAttribute());
        group.MapGet("/", OverviewAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listDeadLetterGroups")
            .WithSummary("Show the service's dead letters grouped by failure, message type, endpoint or exception, and what the broker holds.")
            .Produces<DeadLetterOverview>();
        group.MapGet("/messages", ListAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listDeadLetters")
            .WithSummary("List the dead letters that match a failure group, message type, exception type or endpoint.")
            .Produces<Page<DeadLetterSummary>>();
        group.MapGet("/{id:guid}", ShowAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("getDeadLetter")
            .WithSummary("Read one dead letter: its envelope, headers, body (admins only) and exception.")
            .Produces<DeadLetterDetail>();
        var actions = new (string Name, Func<DeadLetterAdmin, DeadLetterSelection, CancellationToken, Task<DeadLetterActionResult>> Act, string Summary)[]
        {
            ("replay", (a, s, ct) => a.ReplayAsync(s, ct), "Replay the selected dead letters: they go back to the service's inbox and are handled again."),
            ("discard", (a, s, ct) => a.DiscardAsync(s, ct), "Delete the selected dead letters for good."),
            ("archive", (a, s, ct) => a.ArchiveAsync(s, ct), "Archive the selected dead letters: kept, but out of the overview, the list and every replay."),
        };
        foreach (var (name, act, summary) in actions)
        {
            group.MapPost($"/{name}", (DeadLetterSelection selection, DeadLetterAdmin admin, CancellationToken ct) => ActAsync(selection, admin, act, ct))
                .RequireAuthorization(ShopPolicies.Admin).WithName($"{name}DeadLetters").WithSummary(summary).Produces<DeadLetterActionResult>();
        }

        group.MapPost("/import", (DeadLetterAdmin admin, CancellationToken ct) => admin.ImportFromBrokerAsync(ct))
            .RequireAuthorization(ShopPolicies.Admin).WithName("importBrokerDeadLetters")
            .WithSummary("Move this service's messages from the broker's dead-letter queue into its dead letters, where they can be replayed.")
            .Produces<DeadLetterActionResult>();

        if (endpoints.ServiceProvider.GetRequiredService<IConfiguration>().GetValue(HandlerFaults.Setting, false))
        {
            MapHandlerFaults(endpoints);
        }

        return endpoints;
    }

    private static async Task<IResult> OverviewAsync(DeadLetterAdmin admin, CancellationToken ct, string groupBy = "failure") =>
        DeadLetterGroupings.Problem(groupBy) ?? Results.Ok(await admin.OverviewAsync(groupBy, ct));

    private static async Task<IResult> ListAsync(
        DeadLetterAdmin admin,
        CancellationToken ct,
        string? failureGroup = null,
        string? messageType = null,
        string? exceptionType = null,
        string? endpoint = null,
        bool archived = false,
        int? page = null,
        int? pageSize = null)
    {
        if (Paging.Problem(page, pageSize) is { } problem)
        {
            return problem;
        }

        var selection = new DeadLetterSelection(null, failureGroup, messageType, exceptionType, endpoint);
        return Results.Ok(await admin.ListAsync(selection, archived, page ?? 1, pageSize ?? Paging.DefaultPageSize, ct));
    }

    private static async Task<IResult> ShowAsync(Guid id, DeadLetterAdmin admin, ClaimsPrincipal user) =>
        await admin.FindAsync(id) is { } letter
            ? Results.Ok(DeadLetterDetail.From(letter, showBody: user.IsInRole(ShopRoles.Admin)))
            : Problems.NotFound($"Dead letter {id}");

    private static async Task<IResult> ActAsync(
        DeadLetterSelection selection,
        DeadLetterAdmin admin,
        Func<DeadLetterAdmin, DeadLetterSelection, CancellationToken, Task<DeadLetterActionResult>> act,
        CancellationToken ct) =>
        selection.Problem is { } problem
            ? Problems.BadRequest("selection", problem)
            : Results.Ok(await act(admin, selection, ct));

    /// <summary>PUT (optionally ?containing=text) and DELETE /admin/testing/handler-faults/{messageType}: only on hosts started with the test switch on.</summary>
    private static void MapHandlerFaults(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/testing/handler-faults").WithMetadata(new OperationEndpointAttribute())
            .RequireAuthorization(ShopPolicies.Admin).ExcludeFromDescription();
        group.MapGet("/", (HandlerFaults faults) => Results.Ok(faults.Failing));
        group.MapPut("/{messageType}", (string messageType, HandlerFaults faults, string? containing) =>
        {
            faults.Fail(messageType, string.IsNullOrEmpty(containing) ? null : HandlerFaults.Containing(containing));
            return Results.NoContent();
        });
        group.MapDelete("/{messageType}", (string messageType, HandlerFaults faults) =>
        {
            faults.Clear(messageType);
            return Results.NoContent();
        });
    }
}
