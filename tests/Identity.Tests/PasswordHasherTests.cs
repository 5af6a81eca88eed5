using Shop.Identity.Credentials;

namespace Shop.Identity.Tests;

public class PasswordHasherTests
{
    private static readonly PasswordHasher Hasher = new(PasswordHasher.MinimumIterations);

    [Fact]
    public void a_hash_records_pbkdf2_sha512_with_at_least_210000_iterations()
    {
        var hash = Hasher.Hash("a long enough password");

        hash.ShouldStartWith("$pbkdf2-sha512$i=");
        PasswordHasher.IterationsOf(hash).ShouldBeGreaterThanOrEqualTo(210_000);
    }

    [Fact]
    public void the_right_password_verifies_and_a_wrong_one_does_not()
    {
        var hash = Hasher.Hash("a long enough password");

        Hasher.Verify(hash, "a long enough password").Valid.ShouldBeTrue();
        Hasher.Verify(hash, "a long enough passworD").Valid.ShouldBeFalse();
    }

    [Fact]
    public void two_hashes_of_one_password_differ_by_their_salt()
    {
        Hasher.Hash("same password here").ShouldNotBe(Hasher.Hash("same password here"));
    }

    [Fact]
    public void a_hash_made_with_fewer_iterations_asks_to_be_rehashed()
    {
        var old = new PasswordHasher(1_000).Hash("a long enough password");

        Hasher.Verify(old, "a long enough password").ShouldBe(new PasswordCheck(true, NeedsRehash: true));
    }

    [Fact]
    public void something_that_is_not_a_hash_never_verifies()
    {
        Hasher.Verify("plain text", "plain text").Valid.ShouldBeFalse();
    }
}
