using System.Globalization;
using System.Security.Cryptography;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class KeyPersistenceTests(IdentityFixture fixture)
{
    [Fact]
    public async Task a_restarted_service_with_the_same_key_directory_accepts_tokens_issued_before()
    {
        var (id, _, token) = await fixture.CustomerAsync();

        await using var restarted = await StartAsync(fixture.KeysDirectory);

        // The user lives in the first host's schema, so once past authentication the answer is 404, not 401.
        await StatusAsync(restarted, id, token, 404);
        await StatusAsync(restarted, id, ForgedTokens.Sign(ForgedTokens.NewKey("other"), id), 401);
    }

    [Fact]
    public async Task a_rotated_out_key_verifies_during_its_grace_period_and_not_after()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"shop-rotation-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        var retired = WriteKey(directory, now.AddHours(-3));   // replaced two hours ago: its tokens are long expired
        var previous = WriteKey(directory, now.AddHours(-2));  // replaced just now: its tokens may still be live
        var current = WriteKey(directory, now.AddSeconds(-1));
        var subject = Guid.NewGuid();

        await using (var host = await StartAsync(directory))
        {
            await StatusAsync(host, subject, ForgedTokens.Sign(retired, subject), 401);
            await StatusAsync(host, subject, ForgedTokens.Sign(previous, subject), 404);
            await StatusAsync(host, subject, ForgedTokens.Sign(current, subject), 404);
        }

        Directory.Delete(directory, recursive: true);
    }

    private static Task<IAlbaHost> StartAsync(string keys) =>
        TestHosts.StartAsync<Program>("identity_restart_tests", tokens: null, broker: true, x => x.UseSetting("Identity:Keys:Directory", keys));

    private static Microsoft.IdentityModel.Tokens.ECDsaSecurityKey WriteKey(string directory, DateTimeOffset created)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(directory, $"{created.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}_{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, ecdsa.ExportPkcs8PrivateKeyPem());
        return ForgedTokens.LoadKey(path);
    }

    private static Task StatusAsync(IAlbaHost host, Guid id, string token, int expected) => host.Scenario(s =>
    {
        s.Get.Url($"/users/{id}/status");
        s.Bearer(token);
        s.StatusCodeShouldBe(expected);
    });
}
