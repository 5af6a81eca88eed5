using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Audit;

/// <summary>One event as an auditor sees it.</summary>
public sealed record HistoryEntry(
    long Sequence,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    JsonNode? Data,
    string? CorrelationId,
    string? CausationId,
    string? User)
{
    public static HistoryEntry From(IEvent e) => new(
        e.Sequence, e.Version, e.EventTypeName, e.Timestamp, Redaction.ToJson(e.Data), e.CorrelationId, e.CausationId, e.UserName);
}

/// <summary>An aggregate as it was at one version.</summary>
public sealed record PastState(Guid Id, long Version, DateTimeOffset Timestamp, JsonNode? State);

public static class AuditEndpoints
{
    /// <summary>Maps GET /{route}/{id}/history, /{route}/{id}/state and /{route}/{id}/changes for every audited aggregate.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var stream in endpoints.ServiceProvider.GetServices<IAuditedStream>())
        {
            var group = endpoints.MapGroup($"/{stream.Route}/{{id:guid}}");
            group.MapGet("/history", (Guid id, int? page, int? pageSize, HttpContext http, IQuerySession session) =>
                HistoryAsync(stream, id, page, pageSize, http, session))
                .WithName($"get{Pascal(stream.Name)}History")
                .WithSummary($"Read the {stream.Name}'s history: every event, oldest first, a page at a time.").Produces<Page<HistoryEntry>>();
            group.MapGet("/state", (Guid id, long? version, string? at, HttpContext http, IQuerySession session) =>
                StateAsync(stream, id, version, at, http, session))
                .WithName($"get{Pascal(stream.Name)}State")
                .WithSummary($"Read the {stream.Name}'s state as it was at a version or an instant.").Produces<PastState>();
            group.MapGet("/changes", (Guid id, long? from, long? to, HttpContext http, IQuerySession session) =>
                ChangesAsync(stream, id, from, to, http, session))
                .WithName($"get{Pascal(stream.Name)}Changes")
                .WithSummary($"Read what changed in the {stream.Name} between two versions: the events in between and the fields they changed.")
                .Produces<StateChange>();
        }

        return endpoints;
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static async Task<IResult> HistoryAsync(
        IAuditedStream stream, Guid id, int? page, int? pageSize, HttpContext http, IQuerySession session)
    {
        if (Paging.Problem(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (!await MayReadAsync(stream, id, http.User, session, http.RequestAborted))
        {
            return Problems.NotFound(stream.Name);
        }

        // A stream's versions run from 1 without holes, so page N starts at version (N - 1) * size + 1.
        var (number, size) = (page ?? 1, pageSize ?? Paging.DefaultPageSize);
        var state = await session.Events.FetchStreamStateAsync(id, http.RequestAborted);
        var first = (long)(number - 1) * size + 1;
        var events = first > state!.Version ? [] : await session.Events.FetchStreamAsync(id, version: Math.Min(state.Version, first + size - 1), fromVersion: first, token: http.RequestAborted);
        http.Response.SetETag(state.Version);
        return Results.Ok(new Page<HistoryEntry>([.. events.Select(HistoryEntry.From)], number, size, state.Version));
    }

    private static async Task<IResult> StateAsync(
        IAuditedStream stream, Guid id, long? version, string? at, HttpContext http, IQuerySession session)
    {
        if (version is null == at is null)
        {
            return Problems.BadRequest("version", "Give exactly one of ?version=N or ?at=<ISO-8601 instant>.");
        }

        if (version is < 1)
        {
            return Problems.BadRequest("version", "version starts at 1.");
        }

        DateTimeOffset? instant = null;
        if (at is not null)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Problems.BadRequest("at", "at must be an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z.");
            }

            instant = parsed;
        }

        var ct = http.RequestAborted;
        if (!await MayReadAsync(stream, id, http.User, session, ct))
        {
            return Problems.NotFound(stream.Name);
        }

        var events = await session.Events.FetchStreamAsync(id, version: version ?? 0, timestamp: instant, token: ct);
        if (events.Count == 0 || (version is { } v && events[^1].Version < v))
        {
            return Problems.NotFound($"{stream.Name} at that point");
        }

        var last = events[^1];
        var state = await stream.StateAsync(session, id, last.Version, null, ct);
        http.Response.SetETag(last.Version);
        return Results.Ok(new PastState(id, last.Version, last.Timestamp, Redaction.ToJson(state)));
    }

    private static async Task<IResult> ChangesAsync(
        IAuditedStream stream, Guid id, long? from, long? to, HttpContext http, IQuerySession session)
    {
        if (from is not { } first || to is not { } last)
        {
            return Problems.BadRequest("from", "Give both ?from=N and ?to=M, the two versions to compare.");
        }

        if (first < 1 || last <= first)
        {
            return Problems.BadRequest("to", "Versions start at 1 and to must be after from.");
        }

        var ct = http.RequestAborted;
        if (!await MayReadAsync(stream, id, http.User, session, ct))
        {
            return Problems.NotFound(stream.Name);
        }

        var current = await session.Events.FetchStreamStateAsync(id, ct);
        if (last > current!.Version)
        {
            return Problems.NotFound($"{stream.Name} at version {last}");
        }

        var before = Redaction.ToJson(await stream.StateAsync(session, id, first, null, ct));
        var after = Redaction.ToJson(await stream.StateAsync(session, id, last, null, ct));
        var events = await session.Events.FetchStreamAsync(id, version: last, fromVersion: first + 1, token: ct);
        return Results.Ok(new StateChange(id, first, last, [.. events.Select(HistoryEntry.From)], StateChanges.Between(before, after)));
    }

    /// <summary>Admins and auditors read every stream, others only their own; the rest must not learn it exists.</summary>
    private static async Task<bool> MayReadAsync(IAuditedStream stream, Guid id, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var state = await session.Events.FetchStreamStateAsync(id, ct);
        if (state is null || state.AggregateType != stream.AggregateType)
        {
            return false;
        }

        return user.IsAdminOrAuditor() || (await stream.OwnerAsync(session, id, ct) is { } owner && owner == user.UserId());
    }
}
