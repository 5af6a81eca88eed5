using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http;
using Shop.ServiceDefaults.Http;

namespace Shop.ServiceDefaults.EventSourcing;

/// <summary>The answer to an accepted write: which stream, and its version afterwards (also sent as the ETag).</summary>
public sealed record WriteAccepted(Guid Id, long Version);

/// <summary>What a write decided: the aggregate as it was, the events to append, and the version they bring the stream to.</summary>
public sealed record StreamDecision<T>(Guid Id, T Before, IReadOnlyList<object> Events, long Version);

public static class StreamWrites
{
    /// <summary>
    /// Loads a stream for writing at the version the caller's If-Match names (412 when stale), asks the
    /// business rule what to append, and appends it. The surrounding Wolverine transaction commits the
    /// events together with any outgoing messages; a conflict found at commit is a 409.
    /// </summary>
    /// <param name="alongside">What else the write does in the same transaction (publish, keep another stream in step); a problem it returns refuses the write.</param>
    /// <param name="answer">The body of the 200 answer; by default the stream id and version.</param>
    public static async Task<IResult> DecideAsync<T>(
        this IDocumentSession session,
        Guid id,
        HttpContext http,
        Func<T, Decision> decide,
        Func<StreamDecision<T>, Task<IResult?>>? alongside = null,
        Func<StreamDecision<T>, object>? answer = null)
        where T : class
    {
        var (stream, failure) = await session.FetchForWritingAsync<T>(id, http);
        if (failure is not null)
        {
            return failure;
        }

        var decision = decide(stream!.Aggregate!);
        if (decision.Error is { } error)
        {
            return Problems.From(error);
        }

        // CurrentVersion moves with every append, so the resulting version is taken first.
        var decided = new StreamDecision<T>(id, stream.Aggregate!, decision.Events, (stream.CurrentVersion ?? 0) + decision.Events.Count);
        if (alongside is not null && await alongside(decided) is { } refusal)
        {
            return refusal;
        }

        stream.AppendMany(decision.Events);
        http.Response.SetETag(decided.Version);
        return Results.Ok(answer is null ? new WriteAccepted(id, decided.Version) : answer(decided));
    }

    /// <summary>The stream at the version If-Match names, or the ProblemDetails answer when it is unknown or stale.</summary>
    public static async Task<(IEventStream<T>? Stream, IResult? Failure)> FetchForWritingAsync<T>(this IDocumentSession session, Guid id, HttpContext http)
        where T : class
    {
        var expected = http.Request.ExpectedVersion();
        var ct = http.RequestAborted;
        // The stream's reads commit with the append (OneTransactionPerWrite): begun here, after whatever
        // the endpoint asked other services, so no connection waits on them.
        await session.BeginTransactionAsync(ct);
        try
        {
            var stream = expected is { } v
                ? await session.Events.FetchForWriting<T>(id, v, ct)
                : await session.Events.FetchForWriting<T>(id, ct);
            return stream.Aggregate is null ? (null, Problems.NotFound(typeof(T).Name)) : (stream, null);
        }
        catch (ConcurrencyException)
        {
            var state = await session.Events.FetchStreamStateAsync(id, ct);
            return state is null
                ? (null, Problems.NotFound(typeof(T).Name))
                : (null, Problems.PreconditionFailed(state.Version, expected!.Value));
        }
    }
}
