using Microsoft.AspNetCore.Http;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Shop.ServiceDefaults.DeadLetters;

/// <summary>
/// Which dead letters an action applies to: some by id, or all that match every criterion given. An empty
/// selection matches nothing; everything has to be asked for by name (<c>all</c>), so that a request with a
/// misspelt field replays nothing rather than the whole store.
/// </summary>
public sealed record DeadLetterSelection(
    IReadOnlyList<Guid>? Ids = null,
    string? FailureGroup = null,
    string? MessageType = null,
    string? ExceptionType = null,
    string? Endpoint = null,
    bool All = false) : IHasExample<DeadLetterSelection>
{
    public static DeadLetterSelection Example => new(FailureGroup: "3f1a9c0d5e7b2a4c6d8e0f1a2b3c4d5e", MessageType: "inventory.stock_reserved.V1");

    public const string Unnamed = "Name the dead letters: ids, failureGroup, messageType, exceptionType or endpoint, or all: true.";

    public bool NamesAny => Ids is { Count: > 0 } || !string.IsNullOrWhiteSpace(FailureGroup) || !string.IsNullOrWhiteSpace(MessageType)
        || !string.IsNullOrWhiteSpace(ExceptionType) || !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>Why this selection cannot be acted on, or null.</summary>
    public string? Problem => NamesAny || All ? null : Unnamed;

    public DeadLetterEnvelopeQuery ToQuery() => new()
    {
        MessageIds = Ids is { Count: > 0 } ? [.. Ids] : [],
        FailureGroup = Blank(FailureGroup),
        MessageType = Blank(MessageType),
        ExceptionType = Blank(ExceptionType),
        ReceivedAt = Blank(Endpoint),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The ways a service's dead letters can be grouped, by the names the API and the command line use.</summary>
public static class DeadLetterGroupings
{
    public static readonly IReadOnlyDictionary<string, DeadLetterGrouping> ByName = new Dictionary<string, DeadLetterGrouping>(StringComparer.OrdinalIgnoreCase)
    {
        ["failure"] = DeadLetterGrouping.FailureGroup,
        ["message-type"] = DeadLetterGrouping.MessageType,
        ["endpoint"] = DeadLetterGrouping.Endpoint,
        ["exception"] = DeadLetterGrouping.ExceptionType,
    };

    public static string Names => string.Join(", ", ByName.Keys);

    /// <summary>The 400 answer for a grouping that is not one of <see cref="ByName"/>, or null when it is.</summary>
    public static IResult? Problem(string groupBy) =>
        ByName.ContainsKey(groupBy) ? null : Problems.BadRequest("groupBy", $"groupBy is one of {Names}.");
}
