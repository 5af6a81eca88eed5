using Shop.Testing;

namespace Shop.Ordering.Tests;

public class ApiDescriptionTests(OrderingFixture fixture)
{
    [Fact]
    public async Task the_served_api_description_is_complete_and_the_committed_one()
    {
        var served = await OpenApiContract.ServedDocumentAsync(fixture.Host);
        OpenApiContract.ShouldDescribeEveryOperation(served);
        OpenApiContract.ShouldMatchCommitted(served, "ordering");
    }
}
