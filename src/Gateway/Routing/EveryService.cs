using System.Text.Json;

namespace Shop.Gateway.Routing;

/// <summary>What every service with an event log and a message store answered to one read; those that did not are named.</summary>
public sealed record EveryServiceAnswer(IReadOnlyDictionary<string, JsonElement> Services, IReadOnlyList<string> Unavailable);

/// <summary>Asks each of the five services the same thing in parallel, with the caller's token (the operators' views at the gateway).</summary>
public static class EveryService
{
    public static readonly IReadOnlyList<string> Names = ["identity", "inventory", "ordering", "payments", "notifications"];

    /// <summary>
    /// Reads <paramref name="path"/> of every service; an answer that is not a JSON object with <paramref name="member"/>
    /// counts as no answer, so a service that is down, late or confused is named instead of failing the whole read.
    /// </summary>
    public static async Task<EveryServiceAnswer> ReadAsync(HttpContext http, IHttpClientFactory clients, ILogger log, string path, string member)
    {
        var answers = await Task.WhenAll(Names.Select(s => DownstreamReads.ReadAsync(http, clients, $"http://{s}{path}", log)));
        var answered = Names.Zip(answers)
            .Where(p => p.Second is { ValueKind: JsonValueKind.Object } answer && answer.TryGetProperty(member, out _))
            .ToDictionary(p => p.First, p => p.Second!.Value);
        return new EveryServiceAnswer(answered, [.. Names.Where(n => !answered.ContainsKey(n))]);
    }
}
