using System.Collections.Concurrent;
using System.Text;
using Wolverine;

namespace Shop.ServiceDefaults.DeadLetters;

/// <summary>
/// A switch that makes this service's handler of one message type fail on purpose, so that tests (and an
/// operator's rehearsal) can dead-letter a real message, clear the cause and replay it. Always in the
/// handlers' generated code, where it costs one lookup in an empty set; set from outside only when
/// <c>Shop:Testing:HandlerFaults</c> is on (see <see cref="DeadLetterEndpoints"/>).
/// </summary>
public sealed class HandlerFaults
{
    public const string Setting = "Shop:Testing:HandlerFaults";

    private readonly ConcurrentDictionary<string, Func<Envelope, bool>> _failing = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Failing => [.. _failing.Keys];

    /// <summary>
    /// Handling a message of this type (its wire name, as in the envelope) fails from now on; only the messages
    /// <paramref name="when"/> picks, when given, so a test can poison its own order and no other.
    /// </summary>
    public void Fail(string messageType, Func<Envelope, bool>? when = null) => _failing[messageType] = when ?? (_ => true);

    /// <summary>Only the messages whose serialized body contains <paramref name="text"/>: what a test can name from outside the process.</summary>
    public static Func<Envelope, bool> Containing(string text) =>
        envelope => envelope.Data is { } data && Encoding.UTF8.GetString(data).Contains(text, StringComparison.Ordinal);

    public void Clear(string messageType) => _failing.TryRemove(messageType, out _);

    public bool Fails(Envelope envelope) =>
        !_failing.IsEmpty && envelope.MessageType is { } type && _failing.TryGetValue(type, out var when) && when(envelope);
}

/// <summary>Thrown by a handler made to fail by <see cref="HandlerFaults"/>: dead-lettered at once, never retried.</summary>
public sealed class HandlerFailedOnPurposeException(string messageType)
    : Exception($"The handler of {messageType} was made to fail on purpose (Shop:Testing:HandlerFaults).");

/// <summary>Wolverine middleware on every message handler: throws when the switch is set for the message's type.</summary>
public static class HandlerFaultsMiddleware
{
    public static void Before(Envelope envelope, HandlerFaults faults)
    {
        if (faults.Fails(envelope))
        {
            throw new HandlerFailedOnPurposeException(envelope.MessageType!);
        }
    }
}
