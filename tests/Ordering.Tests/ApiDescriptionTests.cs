using Shop.Testing;
using Shop.Testing.Contracts;

namespace Shop.Ordering.Tests;

public class ApiDescriptionTests(OrderingFixture fixture)
{
    [Fact]
    public Task the_served_api_description_is_complete_and_the_committed_one() =>
        OpenApiContract.ShouldBeCompleteAndCommittedAsync(fixture.Host, "ordering");

    [Fact]
    public Task the_committed_generated_code_is_what_the_handlers_generate() => GeneratedCode.ShouldBeCurrentAsync("Ordering");

    [Fact]
    public void every_stored_event_has_a_name_a_version_and_its_committed_shape() =>
        ContractSnapshots.ShouldMatch("events/ordering", ContractSources.StoredEvents(fixture.Host, typeof(Program).Assembly), ContractSnapshots.StoredEvents);
}
