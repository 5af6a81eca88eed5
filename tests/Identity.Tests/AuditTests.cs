using System.Globalization;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class AuditTests(IdentityFixture fixture)
{
    [Fact]
    public async Task history_lists_every_event_with_its_metadata_in_order()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Renamed Once");
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate?reason=audit");
            s.Bearer(fixture.AdminToken);
            s.WithRequestHeader("X-Correlation-ID", "ignored-by-design");
            s.StatusCodeShouldBeOk();
        });

        var history = await HistoryAsync(id, fixture.AuditorToken);

        history.Select(e => e.Type).ShouldBe(["user_registered_v2", "display_name_changed_v2", "user_deactivated"]);
        history.Select(e => e.Version).ShouldBe([1L, 2L, 3L]);
        history.ShouldAllBe(e => !string.IsNullOrEmpty(e.CorrelationId));
        history[1].User.ShouldBe(id.ToString());
        history[2].User.ShouldBe(fixture.AdminId.ToString());
        history[2].Data!["reason"]!.GetValue<string>().ShouldBe("audit");
        history[0].Data!["passwordHash"]!.GetValue<string>().ShouldBe(Redaction.Mask);
    }

    [Fact]
    public async Task state_at_a_version_is_the_user_as_it_was_then()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Later Name");

        var past = await StateAsync(id, token, "version=1");
        var now = await StateAsync(id, token, "version=2");

        past.Version.ShouldBe(1);
        past.State!["displayName"]!.GetValue<string>().ShouldBe("Test User");
        now.State!["displayName"]!.GetValue<string>().ShouldBe("Later Name");
        past.State["passwordHash"]!.GetValue<string>().ShouldBe(Redaction.Mask);
    }

    [Fact]
    public async Task state_at_an_instant_is_the_user_as_it_was_then()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        var history = await HistoryAsync(id, token);
        await RenameAsync(token, "After The Instant");
        var instant = history[0].Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

        var past = await StateAsync(id, token, $"at={Uri.EscapeDataString(instant)}");

        past.Version.ShouldBe(1);
        past.State!["displayName"]!.GetValue<string>().ShouldBe("Test User");
    }

    [Theory]
    [InlineData("")]
    [InlineData("version=0")]
    [InlineData("version=1&at=2026-01-01T00:00:00Z")]
    [InlineData("at=yesterday")]
    public async Task state_needs_exactly_one_valid_point_in_time(string query)
    {
        var (id, _, token) = await fixture.CustomerAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}/state?{query}");
            s.Bearer(token);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task state_before_the_stream_began_or_past_its_end_is_a_404()
    {
        var (id, _, token) = await fixture.CustomerAsync();

        foreach (var query in new[] { "version=5", "at=2000-01-01T00:00:00Z" })
        {
            await fixture.Host.Scenario(s =>
            {
                s.Get.Url($"/users/{id}/state?{query}");
                s.Bearer(token);
                s.StatusCodeShouldBe(404);
            });
        }
    }

    private async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(Guid id, string token)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}/history");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<Page<HistoryEntry>>())!.Items;
    }

    private async Task<PastState> StateAsync(Guid id, string token, string query)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}/state?{query}");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<PastState>())!;
    }

    private Task RenameAsync(string token, string name) => fixture.Host.Scenario(s =>
    {
        s.Put.Json(new { displayName = name }).ToUrl("/users/me/display-name");
        s.Bearer(token);
        s.StatusCodeShouldBeOk();
    });
}
