using System.Text.RegularExpressions;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Audit;

/// <summary>One event of the service that carries the correlation id asked for, with the stream it belongs to.</summary>
public sealed record CorrelatedEvent(string Service, Guid StreamId, string? Aggregate, HistoryEntry Event);

/// <summary>The events one request set off in this service, in the order they were appended; at most <see cref="CorrelationEndpoints.Limit"/>.</summary>
public sealed record CorrelatedEvents(string CorrelationId, IReadOnlyList<CorrelatedEvent> Events, bool Truncated);

public static partial class CorrelationEndpoints
{
    public const int Limit = 500;

    public const string Malformed = "A correlation id is 1 to 128 letters, digits, '.', '_', ':' or '-'.";

    /// <summary>GET /admin/correlations/{correlationId}: the events of every stream of this service that one request (a checkout, say) caused.</summary>
    public static IEndpointRouteBuilder MapCorrelationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/correlations/{correlationId}", FollowAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor)
            .WithMetadata(new OperationEndpointAttribute()).WithName("followCorrelation")
            .WithSummary("Read every event of this service that carries one correlation id, in the order they were appended.")
            .Produces<CorrelatedEvents>();
        return endpoints;
    }

    /// <summary>Correlation ids are W3C trace ids here (32 hex digits), but any short token of safe characters is looked up.</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    public static partial Regex Acceptable();

    private static async Task<IResult> FollowAsync(
        string correlationId, IQuerySession session, ShopService service, IEnumerable<IAuditedStream> audited, CancellationToken ct)
    {
        if (!Acceptable().IsMatch(correlationId))
        {
            return Problems.BadRequest("correlationId", Malformed);
        }

        // No index on the correlation id: a scan of the service's event log, which is fine for an operator's look-up.
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.CorrelationId == correlationId)
            .OrderBy(e => e.Sequence)
            .Take(Limit + 1)
            .ToListAsync(ct);
        var kinds = await KindsAsync(session, events.Select(e => e.StreamId).Distinct(), audited, ct);
        return Results.Ok(new CorrelatedEvents(
            correlationId,
            [.. events.Take(Limit).Select(e => new CorrelatedEvent(service.Name, e.StreamId, kinds.GetValueOrDefault(e.StreamId), HistoryEntry.From(e)))],
            events.Count > Limit));
    }

    /// <summary>
    /// Each stream's aggregate by the name its history is served under ("order"), so that a reader can go from an
    /// event to its stream; a raw event does not carry its stream's type, the stream's row does.
    /// </summary>
    private static async Task<Dictionary<Guid, string?>> KindsAsync(
        IQuerySession session, IEnumerable<Guid> streams, IEnumerable<IAuditedStream> audited, CancellationToken ct)
    {
        var names = audited.ToDictionary(a => a.AggregateType, a => a.Name);
        var kinds = new Dictionary<Guid, string?>();
        foreach (var stream in streams)
        {
            var state = await session.Events.FetchStreamStateAsync(stream, ct);
            kinds[stream] = state?.AggregateType is { } type ? names.GetValueOrDefault(type, type.Name) : null;
        }

        return kinds;
    }
}
