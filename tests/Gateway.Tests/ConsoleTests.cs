using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Shop.Gateway.Console.Projections;
using Shop.Gateway.Console.Shared;
using Shop.ServiceDefaults.Projections.Rebuilds;

namespace Shop.Gateway.Tests;

/// <summary>The console's session and its refusals, against stand-in services (the browser tests drive the real shop).</summary>
public class ConsoleTests(GatewayFixture fixture)
{
    [Fact]
    public async Task a_console_page_without_a_session_leads_to_the_sign_in_form_and_back()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/console/projections?x=1");
            s.StatusCodeShouldBe(302);
        });

        result.Context.Response.Headers.Location.ToString().ShouldBe("/console/sign-in?returnUrl=%2Fconsole%2Fprojections%3Fx%3D1");
    }

    [Fact]
    public async Task the_console_cookie_signs_in_console_pages_but_never_the_api()
    {
        var cookie = $"shop_console_access={fixture.Tokens.Admin()}";
        var page = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/console");
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBeOk();
        });
        var html = await page.ReadAsTextAsync();
        html.ShouldContain("data-service=\"ordering\"");
        html.ShouldContain("payments did not answer", Case.Sensitive, "a service that is down is named, the page still answers");

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/api/admin/projections");
            s.WithRequestHeader("Cookie", cookie);
            s.StatusCodeShouldBe(401);
        });
    }

    [Theory]
    [InlineData("/console/actions/projections/ordering/OrderDetails/rebuild")]
    [InlineData("/console/actions/dead-letters/ordering/replay")]
    [InlineData("/console/actions/audit/verify")]
    public async Task console_actions_answer_403_to_auditors_and_400_to_an_admin_without_the_pages_antiforgery_token(string action)
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url(action);
            s.WithRequestHeader("Cookie", $"shop_console_access={fixture.Tokens.Auditor()}");
            s.StatusCodeShouldBe(403);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url(action);
            s.WithRequestHeader("Cookie", $"shop_console_access={fixture.Tokens.Admin()}");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task signing_out_needs_the_pages_antiforgery_token()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/console/session/end");
            s.WithRequestHeader("Cookie", $"shop_console_access={fixture.Tokens.Admin()}");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task a_refreshing_piece_of_a_page_without_a_session_sends_the_whole_page_to_the_sign_in_form()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/console/projections/ordering/rebuilds/{Guid.NewGuid()}/progress");
            s.WithRequestHeader("HX-Request", "true");
            s.StatusCodeShouldBe(401);
        });

        result.Context.Response.Headers["HX-Redirect"].ToString().ShouldStartWith("/console/sign-in?returnUrl=");
    }

    [Fact]
    public async Task requests_that_arrive_together_with_one_refresh_token_renew_it_once()
    {
        // Identity ends a log-in whose single-use refresh token is shown twice: a page and its refreshing pieces share one renewal.
        var refresh = Guid.NewGuid().ToString("N");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.Host.Scenario(s =>
        {
            s.Get.Url("/console");
            s.WithRequestHeader("Cookie", $"shop_console_refresh={refresh}");
            s.StatusCodeShouldBeOk();
        })));

        fixture.Renewals[refresh].ShouldBe(1);
    }

    [Theory]
    [InlineData("/console/streams", "/console/streams")]
    [InlineData("/console?x=1", "/console?x=1")]
    [InlineData("//evil.example/console", "/console")]
    [InlineData("https://evil.example/console", "/console")]
    [InlineData("/consoles", "/console")]
    [InlineData("/console\\..\\api", "/console")]
    [InlineData(null, "/console")]
    public void only_a_console_page_is_a_place_to_return_to(string? path, string expected) =>
        LocalPaths.Console(path).ShouldBe(expected);

    [Theory]
    [InlineData(RebuildState.Running, true)]
    [InlineData(RebuildState.Requested, true)]
    [InlineData(RebuildState.Done, false)]
    [InlineData(RebuildState.Failed, false)]
    public async Task a_rebuilds_progress_asks_for_itself_again_until_it_has_finished(RebuildState state, bool polls)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new ProjectionRebuild(Guid.NewGuid(), "OrderDetails", state, now, "admin", now, state is RebuildState.Done or RebuildState.Failed ? now : null, now, "node", 100, 40);
        await using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());

        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<RebuildProgress>(ParameterView.FromDictionary(
            new Dictionary<string, object?> { ["Service"] = "ordering", ["Status"] = RebuildStatus.Of(job, now) }))).ToHtmlString());

        html.Contains($"hx-get=\"/console/projections/ordering/rebuilds/{job.Id}/progress\"", StringComparison.Ordinal).ShouldBe(polls);
        html.Contains("hx-trigger=\"every 1s\"", StringComparison.Ordinal).ShouldBe(polls);
    }
}
