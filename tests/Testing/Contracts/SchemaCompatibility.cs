using System.Text.Json.Nodes;

namespace Shop.Testing.Contracts;

/// <summary>
/// Whether a contract's JSON schema changed in a way its other side cannot read: old events read by
/// the new code, new messages read by a consumer not yet upgraded. Removing, retyping or newly requiring
/// a field breaks; adding an optional field, allowing null or adding an enum value does not.
/// </summary>
public static class SchemaCompatibility
{
    /// <summary>Every breaking difference, each naming the field.</summary>
    public static IReadOnlyList<string> Breaks(JsonNode committed, JsonNode current)
    {
        var breaks = new List<string>();
        Compare(committed, current, committed, current, "", breaks);
        return breaks;
    }

    private static void Compare(JsonNode? before, JsonNode? after, JsonNode beforeRoot, JsonNode afterRoot, string path, List<string> breaks)
    {
        before = Resolve(before, beforeRoot);
        after = Resolve(after, afterRoot);
        if (before is not JsonObject old || after is not JsonObject now)
        {
            // "true" (anything) on either side: nothing to hold the other to.
            return;
        }

        var (oldTypes, newTypes) = (TypesOf(old), TypesOf(now));
        var lost = oldTypes.Except(newTypes).ToList();
        if (lost.Count > 0)
        {
            breaks.Add($"field '{Name(path)}' was {string.Join(" or ", oldTypes)} and is now {string.Join(" or ", newTypes.DefaultIfEmpty("anything"))}");
            return;
        }

        var oldValues = EnumOf(old);
        var newValues = EnumOf(now);
        if (oldValues is not null && newValues is not null && oldValues.Except(newValues).ToList() is { Count: > 0 } gone)
        {
            breaks.Add($"field '{Name(path)}' no longer allows {string.Join(", ", gone)}");
        }

        var oldProperties = old["properties"] as JsonObject;
        var newProperties = now["properties"] as JsonObject;
        var oldRequired = Required(old);
        foreach (var (name, schema) in oldProperties ?? [])
        {
            if (newProperties?[name] is not { } kept)
            {
                breaks.Add($"field '{Join(path, name)}' was removed");
                continue;
            }

            Compare(schema, kept, beforeRoot, afterRoot, Join(path, name), breaks);
        }

        foreach (var name in Required(now).Where(n => oldProperties?.ContainsKey(n) != true || !oldRequired.Contains(n)))
        {
            breaks.Add(oldProperties?.ContainsKey(name) == true
                ? $"field '{Join(path, name)}' is now required"
                : $"field '{Join(path, name)}' is new and required (what was written before lacks it)");
        }

        Compare(old["items"], now["items"], beforeRoot, afterRoot, path + "[]", breaks);
    }

    /// <summary>The exporter writes a type met twice as a JSON pointer to its first place.</summary>
    private static JsonNode? Resolve(JsonNode? node, JsonNode root)
    {
        for (var hops = 0; node is JsonObject obj && obj["$ref"]?.GetValue<string>() is { } pointer && hops < 32; hops++)
        {
            node = pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate<string, JsonNode?>(root, (at, part) => at?[part.Replace("~1", "/").Replace("~0", "~")]);
        }

        return node;
    }

    private static List<string> TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue one => [one.GetValue<string>()],
        JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
        _ => [],
    };

    private static List<string>? EnumOf(JsonObject schema) => (schema["enum"] as JsonArray)?.Select(v => v?.ToJsonString() ?? "null").ToList();

    private static HashSet<string> Required(JsonObject schema) => [.. (schema["required"] as JsonArray ?? []).Select(n => n!.GetValue<string>())];

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Name(string path) => path.Length == 0 ? "(the whole value)" : path;
}
