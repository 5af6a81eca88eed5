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

    [Fact]
    public async Task the_changes_between_two_versions_are_the_events_in_between_and_the_fields_they_changed()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Second Name");
        await RenameAsync(token, "Third Name");

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}/changes?from=1&to=3");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        var changes = (await result.ReadAsJsonAsync<StateChange>())!;

        changes.Events.Select(e => e.Version).ShouldBe([2L, 3L]);
        changes.Events.ShouldAllBe(e => e.Type == "display_name_changed_v2");
        var renamed = changes.Changes.ShouldHaveSingleItem();
        renamed.Path.ShouldBe("/displayName");
        renamed.Before!.GetValue<string>().ShouldBe("Test User");
        renamed.After!.GetValue<string>().ShouldBe("Third Name");
    }

    [Theory]
    [InlineData("from=1", 400)]
    [InlineData("from=2&to=2", 400)]
    [InlineData("from=0&to=1", 400)]
    [InlineData("from=1&to=9", 404)]
    public async Task changes_need_two_versions_in_order_within_the_stream(string query, int status)
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await RenameAsync(token, "Renamed");

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}/changes?{query}");
            s.Bearer(token);
            s.StatusCodeShouldBe(status);
        });
    }

    [Fact]
    public async Task an_admin_verifies_the_event_log_and_auditors_read_the_result_but_may_not_start_one()
    {
        var started = await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/admin/audit/verify");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        var verification = (await started.ReadAsJsonAsync<AuditVerification>())!;

        verification.Valid.ShouldBeTrue(verification.FirstProblem?.Detail);
        verification.Events.ShouldBeGreaterThan(0);
        verification.By.ShouldBe(fixture.AdminId.ToString());
        var read = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/admin/audit");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBeOk();
        });
        (await read.ReadAsJsonAsync<AuditStatus>())!.Latest!.FinishedAt.ShouldBeGreaterThanOrEqualTo(verification.FinishedAt);
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/admin/audit/verify");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task an_auditor_follows_a_correlation_id_to_the_events_it_caused_and_nobody_else_may()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        var correlation = (await HistoryAsync(id, token))[0].CorrelationId!;

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/admin/correlations/{correlation}");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBeOk();
        });
        var followed = (await result.ReadAsJsonAsync<CorrelatedEvents>())!;

        var registered = followed.Events.ShouldHaveSingleItem();
        registered.Service.ShouldBe("identity");
        registered.StreamId.ShouldBe(id);
        registered.Aggregate.ShouldBe("user", "the name its history is served under");
        registered.Event.Type.ShouldBe("user_registered_v2");
        followed.Truncated.ShouldBeFalse();
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/admin/correlations/{correlation}");
            s.Bearer(token);
            s.StatusCodeShouldBe(403);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/admin/correlations/not%20a%20token");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBe(400);
        });
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
