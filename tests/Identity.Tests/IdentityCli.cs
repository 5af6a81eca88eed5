using Shop.Testing;

namespace Shop.Identity.Tests;

/// <summary>The Identity executable, against the test schema and keys.</summary>
public static class IdentityCli
{
    public static Task<ServiceCli.Outcome> RunAsync(IdentityFixture fixture, string arguments, string? standardInput = null, string schema = IdentityFixture.Schema) =>
        ServiceCli.RunAsync("Identity", arguments, new Dictionary<string, string>
        {
            ["Shop__Schema"] = schema,
            ["Identity__Keys__Directory"] = fixture.KeysDirectory,
            ["SHOP_USER_PASSWORD"] = "",
        }, standardInput, TestContext.Current.CancellationToken);
}
