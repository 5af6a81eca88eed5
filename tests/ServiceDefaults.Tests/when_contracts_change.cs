using System.Text.Json.Nodes;
using Shop.Contracts;
using Shop.Testing.Contracts;

namespace Shop.ServiceDefaults.Tests;

public sealed record LineV1(Guid ProductId, int Quantity);

public sealed record ShapeV1(Guid Id, string Name, IReadOnlyList<LineV1> Lines, string? Note);

public sealed record LineV2(Guid ProductId, long Quantity);

public sealed record NameRemoved(Guid Id, IReadOnlyList<LineV1> Lines, string? Note);

public sealed record RequiredAdded(Guid Id, string Name, IReadOnlyList<LineV1> Lines, string? Note, string Unit);

public sealed record OptionalAdded(Guid Id, string Name, IReadOnlyList<LineV1> Lines, string? Note, string? Reason = null);

public sealed record LineRetyped(Guid Id, string Name, IReadOnlyList<LineV2> Lines, string? Note);

public sealed record NoteRequired(Guid Id, string Name, IReadOnlyList<LineV1> Lines, string Note);

public sealed record NameRetyped(Guid Id, int Name, IReadOnlyList<LineV1> Lines, string? Note);

/// <summary>The compatibility rules the contract snapshots apply, on schemas made by the exporter they use.</summary>
public class when_contracts_change
{
    private static JsonNode Schema<T>() => ContractSnapshots.SchemaOf(typeof(T), ContractSnapshots.StoredEvents);

    [Fact]
    public void the_same_shape_and_an_added_optional_field_break_nothing()
    {
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<ShapeV1>()).ShouldBeEmpty();
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<OptionalAdded>()).ShouldBeEmpty();
    }

    [Fact]
    public void a_removed_field_is_named()
    {
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<NameRemoved>()).ShouldBe(["field 'name' was removed"]);
    }

    [Fact]
    public void a_new_required_field_breaks_what_was_written_before()
    {
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<RequiredAdded>())
            .ShouldBe(["field 'unit' is new and required (what was written before lacks it)"]);
    }

    [Fact]
    public void a_field_that_becomes_required_or_changes_type_is_named_with_its_path()
    {
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<NoteRequired>()).ShouldContain(b => b.Contains("'note'"));
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<NameRetyped>()).ShouldBe(["field 'name' was string and is now integer"]);
    }

    [Fact]
    public void a_nested_line_is_compared_field_by_field()
    {
        // int and long export alike (an integer), so the line's quantity is still readable.
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), Schema<LineRetyped>()).ShouldBeEmpty();
        var renamed = Schema<ShapeV1>();
        renamed["properties"]!["lines"]!["items"]!["properties"]!["quantity"] = new JsonObject { ["type"] = "string" };
        SchemaCompatibility.Breaks(Schema<ShapeV1>(), renamed).ShouldBe(["field 'lines[].quantity' was integer and is now string"]);
    }

    [Fact]
    public void every_message_between_services_has_a_name_a_version_and_its_committed_shape() =>
        ContractSnapshots.ShouldMatch("messages", ContractSources.Messages(typeof(Exchanges).Assembly), ContractSnapshots.Messages);
}
