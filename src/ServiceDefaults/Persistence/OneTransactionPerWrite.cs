using Marten;
using Wolverine.Persistence.Sagas;
using Wolverine.Runtime.Handlers;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// A handler's reads and its writes share one transaction. Marten runs each read of a session in a
/// transaction of its own until the session saves: a handler that loads its saga, then its stream (the
/// stream's version, then its events) before it appends committed three read-only transactions beside
/// its one write, each a commit PostgreSQL counts and schedules. Begun at the handler's start, the
/// session's transaction carries the reads and commits with the write; a handler that writes nothing
/// rolls it back when its session is disposed. HTTP writes begin theirs where they load their stream
/// (<c>StreamWrites.FetchForWritingAsync</c>), after any call to another service.
/// </summary>
/// <remarks>
/// Nothing becomes durable at another moment: the write commits when it did, with the same version
/// checks, and each read sees what it saw (a statement of a READ COMMITTED transaction sees what was
/// committed before the statement began). The price is a pooled connection held from the handler's start
/// to its commit. PostgreSQL's transaction begins with the handler's first statement (Npgsql sends the
/// BEGIN with it), and from then on it counts, while a hole in the event sequence waits to be skipped, as
/// one that might still fill it: a handler that calls outside after its first read (a mail's delivery
/// attempt, a refund) holds the service's projections for as long as that call takes, so a call that
/// may be slow comes before the reads where it can (the card charge).
/// </remarks>
public static class OneTransactionPerWrite
{
    public static ValueTask BeforeAsync(IDocumentSession session, CancellationToken cancellation) =>
        session.BeginTransactionAsync(cancellation);

    /// <summary>A message handler that works through a Marten session: a saga, or a handler taking the session.</summary>
    public static bool Writes(HandlerChain chain) =>
        chain is SagaChain
        || chain.Handlers.Any(handler => handler.Method.GetParameters().Any(parameter => parameter.ParameterType == typeof(IDocumentSession)));
}
