using Marten.Events;
using Shop.Ordering.Orders;
using Shop.Testing;

namespace Shop.Ordering.Tests;

public class IdempotencyAndConcurrencyTests(OrderingFixture fixture)
{
    [Fact]
    public async Task a_repeated_post_with_the_same_idempotency_key_gets_the_first_answer_and_no_second_order()
    {
        var (_, token) = fixture.Customer();
        var body = new { items = new[] { new { productId = fixture.Inventory.Product(), quantity = 1 } } };
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync("/orders", body, token, key, 201);
        var again = await PostAsync("/orders", body, token, key, 201);

        var (a, b) = ((await first.ReadAsJsonAsync<OrderResponse>())!, (await again.ReadAsJsonAsync<OrderResponse>())!);
        b.Id.ShouldBe(a.Id);
        again.Context.Response.Headers["Idempotent-Replayed"].ToString().ShouldBe("true");
        again.Context.Response.Headers.Location.ToString().ShouldBe($"/orders/{a.Id}");
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var mine = await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/orders");
            s.Bearer(token);
        })).ReadAsJsonAsync<List<OrderListItem>>();
        mine!.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_a_422()
    {
        var (_, token) = fixture.Customer();
        var key = Guid.NewGuid().ToString();
        var product = fixture.Inventory.Product();

        await PostAsync("/orders", new { items = new[] { new { productId = product, quantity = 1 } } }, token, key, 201);
        await PostAsync("/orders", new { items = new[] { new { productId = product, quantity = 2 } } }, token, key, 422);
    }

    [Fact]
    public async Task keys_belong_to_their_caller()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { items = Array.Empty<object>() };
        var (_, alice) = fixture.Customer();
        var (_, bob) = fixture.Customer();

        var first = await (await PostAsync("/orders", body, alice, key, 201)).ReadAsJsonAsync<OrderResponse>();
        var second = await (await PostAsync("/orders", body, bob, key, 201)).ReadAsJsonAsync<OrderResponse>();

        second!.Id.ShouldNotBe(first!.Id);
    }

    [Fact]
    public async Task a_repeated_checkout_is_answered_again_instead_of_conflicting()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        var key = Guid.NewGuid().ToString();

        await PostAsync($"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, key, 202);
        await PostAsync($"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, key, 202);

        (await fixture.VersionAsync(order.Id)).ShouldBe(2);
    }

    [Fact]
    public async Task an_unusable_idempotency_key_is_a_400()
    {
        var (_, token) = fixture.Customer();

        await PostAsync("/orders", new { items = Array.Empty<object>() }, token, new string('k', 300), 400);
    }

    [Fact]
    public async Task two_writers_with_the_same_if_match_one_wins_and_one_gets_412()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        var (a, b) = (fixture.Inventory.Product(), fixture.Inventory.Product());

        var statuses = new List<int>();
        foreach (var product in new[] { a, b })
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Post.Json(new { productId = product, quantity = 1 }).ToUrl($"/orders/{order.Id}/items");
                s.Bearer(token);
                s.WithRequestHeader("If-Match", "\"1\"");
                s.IgnoreStatusCode();
            });
            statuses.Add(result.Context.Response.StatusCode);
        }

        statuses.ShouldBe([200, 412]);
        (await fixture.VersionAsync(order.Id)).ShouldBe(2);
    }

    [Fact]
    public async Task a_read_can_wait_for_the_version_its_write_returned()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { productId = fixture.Inventory.Product(), quantity = 4 }).ToUrl($"/orders/{order.Id}/items");
            s.Bearer(token);
        });
        var etag = result.Context.Response.Headers.ETag.ToString().Trim('"');

        var details = await fixture.DetailsAsync(order.Id, token, long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture));
        details.Items.Count.ShouldBe(2);
        details.Version.ShouldBe(2);
    }

    private Task<IScenarioResult> PostAsync(string url, object body, string token, string key, int expected) => fixture.Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl(url);
        s.Bearer(token);
        s.WithRequestHeader("Idempotency-Key", key);
        s.StatusCodeShouldBe(expected);
    });
}
