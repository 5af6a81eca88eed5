using System.Text.Json.Nodes;

namespace Shop.ServiceDefaults.Audit;

/// <summary>One field whose value differs between two states; <c>path</c> is a JSON Pointer (RFC 6901).</summary>
public sealed record FieldChange(string Path, JsonNode? Before, JsonNode? After);

/// <summary>What happened to an aggregate between two of its versions: the events in between, and the fields they changed.</summary>
public sealed record StateChange(Guid Id, long FromVersion, long ToVersion, IReadOnlyList<HistoryEntry> Events, IReadOnlyList<FieldChange> Changes);

public static class StateChanges
{
    /// <summary>
    /// The fields that differ between <paramref name="before"/> and <paramref name="after"/>, depth first: objects are
    /// compared member by member, anything else (arrays included, whose positions carry no identity) as a whole.
    /// </summary>
    public static IReadOnlyList<FieldChange> Between(JsonNode? before, JsonNode? after)
    {
        var changes = new List<FieldChange>();
        Compare("", before, after, changes);
        return changes;
    }

    private static void Compare(string path, JsonNode? before, JsonNode? after, List<FieldChange> changes)
    {
        if (before is JsonObject left && after is JsonObject right)
        {
            foreach (var name in left.Select(p => p.Key).Union(right.Select(p => p.Key)))
            {
                Compare($"{path}/{Escape(name)}", left[name], right[name], changes);
            }
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            changes.Add(new FieldChange(path.Length == 0 ? "/" : path, before?.DeepClone(), after?.DeepClone()));
        }
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
