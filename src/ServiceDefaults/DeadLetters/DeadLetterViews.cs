using System.Text;
using System.Text.Json;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Shop.ServiceDefaults.DeadLetters;

/// <summary>Dead letters that failed alike: one failure group, message type, endpoint or exception type.</summary>
public sealed record DeadLetterGroup(string Key, string? Title, string? ExceptionType, int Count, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen)
{
    public static DeadLetterGroup From(DeadLetterGroupSummary summary) => new(
        summary.Key, summary.Title, summary.ExceptionType, summary.Count, summary.FirstFailedAt, summary.LastFailedAt);
}

/// <summary>Messages waiting in the broker's dead-letter queue that came from one of this service's queues.</summary>
public sealed record BrokerDeadLetters(string Queue, int Count);

/// <summary>A service's dead letters at a glance: its store grouped one way, and what the broker holds for it.</summary>
public sealed record DeadLetterOverview(string Service, int Total, string GroupedBy, IReadOnlyList<DeadLetterGroup> Groups, IReadOnlyList<BrokerDeadLetters> Broker);

/// <summary>One dead letter in a list.</summary>
public sealed record DeadLetterSummary(
    Guid Id,
    string MessageType,
    string? Endpoint,
    string ExceptionType,
    string ExceptionMessage,
    string? FailureGroup,
    DateTimeOffset? FailedAt,
    int ReplayCount,
    bool Replayable,
    bool Archived)
{
    public static DeadLetterSummary From(DeadLetterEnvelope letter) => new(
        letter.Id,
        letter.MessageType,
        letter.ReceivedAt,
        letter.ExceptionType,
        letter.ExceptionMessage,
        letter.FailureGroup,
        letter.FailedAt ?? letter.SentAt,
        letter.ReplayCount,
        letter.Replayable,
        letter.ArchivedAt is not null);
}

/// <summary>
/// One dead letter in full: the envelope's headers, its body, and why it failed. The body is shown to admins
/// only, since a message may carry personal data (an address, a name) that auditors are not shown elsewhere.
/// </summary>
public sealed record DeadLetterDetail(
    DeadLetterSummary Letter,
    string? Source,
    DateTimeOffset SentAt,
    string? CorrelationId,
    string? ConversationId,
    string? FailureTitle,
    DateTimeOffset? FirstFailedAt,
    DateTimeOffset? LastReplayedAt,
    IReadOnlyDictionary<string, string?> Headers,
    JsonElement? Body,
    string? BodyWithheld)
{
    public const string WithheldFromAuditors = "Message bodies are shown to admins only: a message may carry personal data.";

    public static DeadLetterDetail From(DeadLetterEnvelope letter, bool showBody)
    {
        var envelope = letter.Envelope;
        return new DeadLetterDetail(
            DeadLetterSummary.From(letter),
            letter.Source,
            letter.SentAt,
            envelope?.CorrelationId,
            envelope?.ConversationId == Guid.Empty ? null : envelope?.ConversationId.ToString(),
            letter.FailureTitle,
            letter.FirstFailedAt,
            letter.LastReplayedAt,
            envelope?.Headers ?? new Dictionary<string, string?>(),
            showBody ? BodyOf(envelope?.Data) : null,
            showBody ? null : WithheldFromAuditors);
    }

    /// <summary>A JSON body as JSON; anything else as a JSON string (UTF-8 text, or base64 when it is not text).</summary>
    public static JsonElement? BodyOf(byte[]? data)
    {
        if (data is null || data.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(TextOf(data) ?? Convert.ToBase64String(data));
        }
    }

    private static string? TextOf(byte[] data)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>The outcome of a replay, discard or archive: how many dead letters it touched.</summary>
public sealed record DeadLetterActionResult(string Action, int Affected);
