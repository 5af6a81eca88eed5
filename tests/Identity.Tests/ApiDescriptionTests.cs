using Shop.Testing;

namespace Shop.Identity.Tests;

public class ApiDescriptionTests(IdentityFixture fixture)
{
    [Fact]
    public Task the_served_api_description_is_complete_and_the_committed_one() =>
        OpenApiContract.ShouldBeCompleteAndCommittedAsync(fixture.Host, "identity");

    [Fact]
    public Task the_committed_generated_code_is_what_the_handlers_generate() => GeneratedCode.ShouldBeCurrentAsync("Identity");
}
