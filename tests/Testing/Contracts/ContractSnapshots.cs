using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Shop.ServiceDefaults.Privacy;

namespace Shop.Testing.Contracts;

/// <summary>One stored event or message: the name it is stored or sent under, its version, and its .NET type.</summary>
public sealed record Contract(string Name, int Version, Type Type, bool Superseded = false);

/// <summary>
/// The committed JSON schema of every stored event and every message between services, under
/// <c>contracts/</c>. A test fails on any difference, saying whether old readers can still read the
/// new shape; <c>./shop contracts</c> rewrites the snapshots for review.
/// </summary>
public static class ContractSnapshots
{
    public const string WriteVariable = "SHOP_WRITE_CONTRACTS";

    private const string HowToVersion =
        "Keep the committed shape readable: copy the type as it was to a superseded version (see README, \"Changing an event or a message\"), "
        + "give the changed type the next version, add an upcaster from the old one, then run ./shop contracts and commit the snapshots.";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>As Marten stores events: camelCase, enums as names, personal data sealed.</summary>
    public static JsonSerializerOptions StoredEvents { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>As Wolverine sends messages: camelCase, enums as numbers.</summary>
    public static JsonSerializerOptions Messages { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Checks (or, with <see cref="WriteVariable"/> set, rewrites) the snapshots of one folder of <c>contracts/</c>.</summary>
    public static void ShouldMatch(string folder, IReadOnlyCollection<Contract> contracts, JsonSerializerOptions options)
    {
        var directory = Path.Combine(Repository.Root, "contracts", folder);
        var write = Environment.GetEnvironmentVariable(WriteVariable) == "1";
        var problems = new List<string>();
        foreach (var contract in contracts.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, contract.Name + ".json");
            var current = Snapshot(contract, options);
            if (!File.Exists(path))
            {
                Write(path, current, write, problems, $"{contract.Type.FullName} ({contract.Name}) has no committed snapshot yet: run ./shop contracts and commit {Relative(path)}.");
                continue;
            }

            var committed = JsonNode.Parse(File.ReadAllText(path))!;
            if (JsonNode.DeepEquals(committed, current))
            {
                continue;
            }

            var breaks = SchemaCompatibility.Breaks(committed["schema"]!, current["schema"]!);
            if (breaks.Count > 0 || contract.Superseded)
            {
                // A breaking change is never written over: the committed shape is what old data has.
                problems.Add($"{contract.Type.FullName} ({contract.Name}) changed in a way old readers cannot read: "
                    + string.Join("; ", breaks.DefaultIfEmpty("a superseded version must never change")) + ". " + HowToVersion);
                continue;
            }

            Write(path, current, write, problems, $"{contract.Type.FullName} ({contract.Name}) changed compatibly: run ./shop contracts and commit {Relative(path)}.");
        }

        var known = contracts.Select(c => c.Name + ".json").ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json").Where(f => !known.Contains(Path.GetFileName(f))) : [])
        {
            problems.Add($"{Relative(orphan)} has no type any more: what was stored or sent under that name must stay readable. "
                + "Keep the old shape as a superseded type with an upcaster (or, for a message, a handler that upcasts it).");
        }

        if (problems.Count > 0)
        {
            throw new ContractChangedException(string.Join(Environment.NewLine, problems));
        }
    }

    public static JsonNode Snapshot(Contract contract, JsonSerializerOptions options) => new JsonObject
    {
        ["name"] = contract.Name,
        ["version"] = contract.Version,
        ["superseded"] = contract.Superseded,
        ["type"] = contract.Type.FullName,
        ["schema"] = SchemaOf(contract.Type, options),
    };

    public static JsonNode SchemaOf(Type type, JsonSerializerOptions options) =>
        options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => context.TypeInfo.Type == typeof(PersonalData) ? SealedPersonalDataSchema() : node,
        });

    // How SealedPersonalData stores a value: the subject and the ciphertext (null once erased when written).
    private static JsonObject SealedPersonalDataSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["subject"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
            ["sealed"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
        },
        ["required"] = new JsonArray("subject", "sealed"),
    };

    private static void Write(string path, JsonNode snapshot, bool write, List<string> problems, string problem)
    {
        if (!write)
        {
            problems.Add(problem);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, snapshot.ToJsonString(Indented) + "\n");
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path);
}

public sealed class ContractChangedException(string message) : Exception(message);
