using Shop.Ordering.Orders;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Ordering.Tests;

/// <summary>A client watching an order names the version it has and waits for the next one instead of asking again.</summary>
public class WaitingForChangesTests(OrderingFixture fixture)
{
    [Fact]
    public async Task naming_the_current_version_is_a_304_without_a_body_and_an_older_one_gets_the_order()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));

        var unchanged = await GetAsync(order.Id, token, "\"1\"", wait: null, 304);
        unchanged.Context.Response.Headers.ETag.ToString().ShouldBe("\"1\"");
        (await unchanged.ReadAsTextAsync()).ShouldBeEmpty();
        (await GetAsync(order.Id, token, "*", wait: null, 304)).Context.Response.Headers.ETag.ToString().ShouldBe("\"1\"");

        var older = await GetAsync(order.Id, token, "\"0\"", wait: null, 200);
        (await older.ReadAsJsonAsync<OrderDetails>())!.Version.ShouldBe(1);
    }

    [Fact]
    public async Task a_client_naming_the_version_a_write_answered_never_gets_an_older_one()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        var written = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { productId = fixture.Inventory.Product(), quantity = 2 }).ToUrl($"/orders/{order.Id}/items");
            s.Bearer(token);
        });

        var read = await GetAsync(order.Id, token, written.Context.Response.Headers.ETag.ToString(), wait: null, 304);

        read.Context.Response.Headers.ETag.ToString().ShouldBe("\"2\"");
    }

    [Fact]
    public async Task a_waiting_read_answers_with_the_change_as_soon_as_it_is_written()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        var changes = fixture.Host.Services.GetRequiredService<StreamChanges>();
        var waitingBefore = changes.Waiting;

        var read = GetAsync(order.Id, token, "\"1\"", wait: 30, 200);
        await Eventually.ValueAsync(() => Task.FromResult(changes.Waiting), n => n > waitingBefore || read.IsCompleted, TimeSpan.FromSeconds(10), "the read waiting");
        read.IsCompleted.ShouldBeFalse();
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { productId = fixture.Inventory.Product(), quantity = 2 }).ToUrl($"/orders/{order.Id}/items");
            s.Bearer(token);
        });

        // Well before the wait runs out: woken by the write, not by the time.
        var result = await read.WaitAsync(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        result.Context.Response.Headers.ETag.ToString().ShouldBe("\"2\"");
        result.Context.Response.Headers[ChangeWaits.PreferenceAppliedHeader].ToString().ShouldBe("wait=8");
        (await result.ReadAsJsonAsync<OrderDetails>())!.Items.Count.ShouldBe(2);
    }

    [Fact]
    public async Task a_read_that_waits_in_vain_is_a_304_once_its_time_is_up()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await GetAsync(order.Id, token, "\"1\"", wait: 1, 304);

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        result.Context.Response.Headers[ChangeWaits.PreferenceAppliedHeader].ToString().ShouldBe("wait=1");
    }

    [Fact]
    public async Task someone_elses_order_is_a_404_whatever_version_is_named()
    {
        var (_, owner) = fixture.Customer();
        var (_, stranger) = fixture.Customer();
        var order = await fixture.CreateAsync(owner, (fixture.Inventory.Product(), 1));

        await GetAsync(order.Id, stranger, "\"1\"", wait: 5, 404);
    }

    [Theory]
    [InlineData("wait=100", "wait=8")]
    [InlineData("wait=99999999999999999999", "wait=8")]
    [InlineData("wait=-1", null)]
    [InlineData("respond-async, wait=1", "wait=1")]
    [InlineData("wait=soon", null)]
    public void a_wait_is_read_from_prefer_capped_and_ignored_when_unreadable(string prefer, string? applied)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[ChangeWaits.PreferHeader] = prefer;

        var wait = request.Wait();

        (wait > TimeSpan.Zero ? $"wait={(int)wait.TotalSeconds}" : null).ShouldBe(applied);
    }

    private Task<IScenarioResult> GetAsync(Guid orderId, string token, string noneMatch, int? wait, int status) => fixture.Host.Scenario(s =>
    {
        s.Get.Url($"/orders/{orderId}");
        s.Bearer(token);
        s.WithRequestHeader("If-None-Match", noneMatch);
        if (wait is { } seconds)
        {
            s.WithRequestHeader(ChangeWaits.PreferHeader, $"wait={seconds}");
        }

        s.StatusCodeShouldBe(status);
    });
}
