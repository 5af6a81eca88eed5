using Microsoft.Extensions.Time.Testing;
using Shop.Identity.Tokens;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Tests;

public sealed class SigningKeyRingTests : IDisposable
{
    private static readonly JwtSettings Jwt = new("http://127.0.0.1:3001", "shop-identity", "shop", TimeSpan.FromSeconds(30), false);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"shop-ring-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void a_first_start_generates_and_persists_a_key_that_the_next_start_reuses()
    {
        var first = Ring(generate: true).Current;

        var second = Ring(generate: false).Current;

        second.KeyId.ShouldBe(first.KeyId);
        Directory.GetFiles(_directory, "*.pem").ShouldHaveSingleItem();
    }

    [Fact]
    public void without_a_key_and_without_permission_to_generate_one_the_service_refuses_to_start()
    {
        Should.Throw<InvalidOperationException>(() => Ring(generate: false)).Message.ShouldContain(_directory);
    }

    [Fact]
    public void after_a_rotation_the_new_key_signs_and_the_old_one_is_published_until_its_tokens_have_expired()
    {
        var ring = Ring(generate: true);
        var old = ring.Current;
        _clock.Advance(TimeSpan.FromHours(1));

        var fresh = ring.Rotate();

        ring.Current.KeyId.ShouldBe(fresh.KeyId);
        ring.Published.Select(k => k.KeyId).ShouldBe([old.KeyId, fresh.KeyId]);

        _clock.Advance(TimeSpan.FromMinutes(15) + Jwt.ClockSkew + TimeSpan.FromSeconds(11));

        ring.Published.Select(k => k.KeyId).ShouldBe([fresh.KeyId]);
    }

    private SigningKeyRing Ring(bool generate) =>
        new(new IdentitySettings(TimeSpan.FromMinutes(15), TimeSpan.FromDays(14), 1_000, _directory, generate), Jwt, _clock);
}
