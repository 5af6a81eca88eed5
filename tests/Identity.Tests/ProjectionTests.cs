using System.Text.Json;
using Marten;
using Marten.Events;
using Shop.Identity.Users;
using Shop.ServiceDefaults.Projections;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shop.Testing;

namespace Shop.Identity.Tests;

[CollectionDefinition(DisableParallelization = true)]
public sealed class Rebuilds;

/// <summary>Rebuilding a projection, from HTTP or the command line, gives back the same read model.</summary>
[Collection(nameof(Rebuilds))]
public class ProjectionTests(IdentityFixture fixture)
{
    [Fact]
    public async Task the_admin_endpoint_shows_progress_high_water_mark_and_lag()
    {
        await fixture.CustomerAsync();
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/admin/projections");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBeOk();
        });

        var status = (await result.ReadAsJsonAsync<ProjectionStatus>())!;
        var shard = status.Shards.ShouldHaveSingleItem();
        shard.Shard.ShouldBe("UserView:All");
        shard.Lag.ShouldBe(0);
        shard.Sequence.ShouldBe(status.HighWaterMark);
        status.HighWaterMark.ShouldBeGreaterThan(0);
        status.HighestSequence.ShouldBeGreaterThanOrEqualTo(status.HighWaterMark);
    }

    [Fact]
    public async Task a_rebuild_through_the_admin_endpoint_yields_the_same_read_model()
    {
        var id = await SeedSomeHistoryAsync();
        var before = await SnapshotAsync(Store, id);

        var rebuilt = await ProjectionRebuilds.ThroughAdminEndpointAsync(fixture.Host, "UserView", fixture.AdminToken);

        rebuilt.EventsDone.ShouldBe(rebuilt.EventsTotal);
        rebuilt.EventsTotal.ShouldBeGreaterThan(0);
        (await SnapshotAsync(Store, id)).ShouldBe(before);
    }

    [Fact]
    public async Task a_rebuild_asked_for_on_the_command_line_is_done_by_the_running_service_and_followed_to_its_end()
    {
        var id = await SeedSomeHistoryAsync();
        var before = await SnapshotAsync(Store, id);

        var outcome = await ServiceCli.RunAsync(
            "Identity",
            "rebuild UserView",
            new Dictionary<string, string> { ["Shop__Schema"] = IdentityFixture.Schema, ["Identity__Keys__Directory"] = fixture.KeysDirectory },
            ct: TestContext.Current.CancellationToken);

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        outcome.Output.ShouldMatch(@"Rebuild [0-9a-f-]+ of UserView: done, \d+ events");
        var listed = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/admin/projections/rebuilds");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBeOk();
        });
        var recent = (await listed.ReadAsJsonAsync<List<RebuildStatus>>())!;
        recent[0].State.ShouldBe("done");
        recent[0].Node.ShouldNotBeNull();
        (await SnapshotAsync(Store, id)).ShouldBe(before);
    }

    [Fact]
    public async Task a_rebuild_whose_node_stopped_reporting_is_taken_over_by_a_live_node_and_finished()
    {
        var id = await SeedSomeHistoryAsync();
        var before = await SnapshotAsync(Store, id);
        var longAgo = DateTimeOffset.UtcNow - ProjectionRebuild.Orphaned - TimeSpan.FromMinutes(1);
        var orphan = new ProjectionRebuild(
            Guid.CreateVersion7(), "UserView", RebuildState.Running, longAgo, "a node killed mid-rebuild", longAgo, null, longAgo, "gone:1", 100, 40);
        await using (var session = Store.LightweightSession())
        {
            session.Store(orphan);
            await session.SaveChangesAsync();
        }

        var finished = await Eventually.ValueAsync(
            async () =>
            {
                await using var session = Store.QuerySession();
                return (await session.LoadAsync<ProjectionRebuild>(orphan.Id))!;
            },
            j => j.State == RebuildState.Done,
            TimeSpan.FromSeconds(60),
            "the orphaned rebuild taken over and finished");

        finished.Node.ShouldNotBe("gone:1");
        finished.StartedAt.ShouldNotBe(longAgo);
        (await SnapshotAsync(Store, id)).ShouldBe(before);
    }

    [Fact]
    public async Task an_unknown_rebuild_is_a_404_and_auditors_may_follow_rebuilds_but_not_start_them()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/admin/projections/rebuilds/{Guid.NewGuid()}");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBe(404);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/admin/projections/UserView/rebuild");
            s.Bearer(fixture.AuditorToken);
            s.StatusCodeShouldBe(403);
        });
    }

    [Fact]
    public async Task rebuilding_an_unknown_projection_is_a_404()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/admin/projections/NoSuchThing/rebuild");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task a_rebuild_from_the_command_line_of_a_stopped_service_yields_the_same_read_model()
    {
        const string schema = "identity_cli_tests";

        var (before, after, outcome) = await ProjectionRebuilds.FromCommandLineAsync(
            "Identity",
            schema,
            ["mt_doc_userview"],
            () => TestHosts.StartAsync<Program>(schema, tokens: null, broker: true, x => x.UseSetting("Identity:Keys:Directory", fixture.KeysDirectory)),
            async service =>
            {
                foreach (var name in new[] { "First Customer", "Second Customer" })
                {
                    await service.Scenario(s =>
                    {
                        s.Post.Json(new { email = IdentityFixture.UniqueEmail(), password = IdentityFixture.Password, displayName = name }).ToUrl("/users");
                        s.StatusCodeShouldBe(201);
                    });
                }
            },
            new Dictionary<string, string> { ["Identity__Keys__Directory"] = fixture.KeysDirectory },
            TestContext.Current.CancellationToken);

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        before.Count.ShouldBe(2);
        after.ShouldBe(before);
    }

    /// <summary>A user with a few events; other tests write their own users meanwhile.</summary>
    private async Task<Guid> SeedSomeHistoryAsync()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { displayName = "Before Rebuild" }).ToUrl("/users/me/display-name");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        return id;
    }

    private IDocumentStore Store => fixture.Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>The user's read model as JSON, to compare field by field.</summary>
    private static async Task<string> SnapshotAsync(IDocumentStore store, Guid id)
    {
        await using var session = store.QuerySession();
        return JsonSerializer.Serialize((await session.LoadAsync<UserView>(id)).ShouldNotBeNull());
    }
}
