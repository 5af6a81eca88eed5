using Shop.Testing;

namespace Shop.Inventory.Tests;

public class ApiDescriptionTests(InventoryFixture fixture)
{
    [Fact]
    public Task the_served_api_description_is_complete_and_the_committed_one() =>
        OpenApiContract.ShouldBeCompleteAndCommittedAsync(fixture.Host, "inventory");
}
