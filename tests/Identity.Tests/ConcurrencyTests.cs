using Shop.Testing;

namespace Shop.Identity.Tests;

public class ConcurrencyTests(IdentityFixture fixture)
{
    [Fact]
    public async Task a_write_with_a_stale_if_match_is_a_412_and_changes_nothing()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Second", ifMatch: "\"1\"", expected: 200);

        await RenameAsync(token, "Third", ifMatch: "\"1\"", expected: 412);

        var view = await fixture.UserAsync(id, token, minVersion: 2);
        view.DisplayName.ToString().ShouldBe("Second");
        view.Version.ShouldBe(2);
    }

    [Fact]
    public async Task two_writers_with_the_same_if_match_one_wins_and_one_gets_412()
    {
        var (_, _, token) = await fixture.CustomerAsync();

        var first = await RenameAsync(token, "Writer A", ifMatch: "\"1\"", expected: null);
        var second = await RenameAsync(token, "Writer B", ifMatch: "\"1\"", expected: null);

        new[] { first, second }.Order().ShouldBe([200, 412]);
    }

    [Fact]
    public async Task a_write_with_the_current_if_match_applies_and_returns_the_next_etag()
    {
        var (_, _, token) = await fixture.CustomerAsync();

        await RenameAsync(token, "Fresh", ifMatch: "\"1\"", expected: 200, etag: "\"2\"");
    }

    [Fact]
    public async Task an_if_match_that_is_not_a_version_never_matches()
    {
        var (_, _, token) = await fixture.CustomerAsync();

        await RenameAsync(token, "Nope", ifMatch: "\"abc\"", expected: 412);
    }

    private async Task<int> RenameAsync(string token, string name, string ifMatch, int? expected, string? etag = null)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { displayName = name }).ToUrl("/users/me/display-name");
            s.Bearer(token);
            s.WithRequestHeader("If-Match", ifMatch);
            if (expected is { } status)
            {
                s.StatusCodeShouldBe(status);
            }
            else
            {
                s.IgnoreStatusCode();
            }

            if (etag is not null)
            {
                s.Header("ETag").SingleValueShouldEqual(etag);
            }
        });
        return result.Context.Response.StatusCode;
    }
}
