using System.Text.Json.Nodes;
using Shop.ServiceDefaults.Audit;

namespace Shop.ServiceDefaults.Tests;

public class when_two_states_are_compared
{
    [Fact]
    public void only_the_fields_that_differ_are_named_by_their_json_pointer()
    {
        var before = JsonNode.Parse("""{"status":"Placed","total":{"amount":10,"currency":"EUR"},"lines":[1],"a/b":1}""");
        var after = JsonNode.Parse("""{"status":"Confirmed","total":{"amount":10,"currency":"EUR"},"lines":[1,2],"a/b":2,"shippedAt":null}""");

        var changes = StateChanges.Between(before, after);

        changes.Select(c => c.Path).ShouldBe(["/status", "/lines", "/a~1b"]);
        changes[0].Before!.GetValue<string>().ShouldBe("Placed");
        changes[0].After!.GetValue<string>().ShouldBe("Confirmed");
        changes[1].After!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public void a_state_that_did_not_exist_before_changes_as_a_whole()
    {
        var change = StateChanges.Between(null, JsonNode.Parse("""{"id":1}""")).ShouldHaveSingleItem();

        change.Path.ShouldBe("/");
        change.Before.ShouldBeNull();
    }

    [Fact]
    public void equal_states_have_no_changes()
    {
        StateChanges.Between(JsonNode.Parse("""{"a":[1,{"b":2}]}"""), JsonNode.Parse("""{"a":[1,{"b":2}]}""")).ShouldBeEmpty();
    }
}
