using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Shop.ServiceDefaults.Audit;

/// <summary>Turns events and aggregates into JSON for auditors, with every [Redacted] property masked.</summary>
public static class Redaction
{
    public const string Mask = "[redacted]";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly ConcurrentDictionary<Type, string[]> RedactedNames = new();

    public static JsonNode? ToJson(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var node = JsonSerializer.SerializeToNode(value, value.GetType(), Json);
        if (node is JsonObject obj)
        {
            foreach (var name in RedactedNamesOf(value.GetType()).Where(obj.ContainsKey))
            {
                obj[name] = Mask;
            }
        }

        return node;
    }

    private static string[] RedactedNamesOf(Type type) => RedactedNames.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.IsDefined(typeof(RedactedAttribute)))
        .Select(p => Json.PropertyNamingPolicy!.ConvertName(p.Name))
        .ToArray());
}
