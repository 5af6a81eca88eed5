using Shop.Ordering.Orders;
using Shop.Testing;

namespace Shop.Ordering.Tests;

/// <summary>Inventory failing, hanging or talking nonsense: the order either succeeds or is untouched.</summary>
public class ResilienceTests(OrderingFixture fixture)
{
    [Fact]
    public async Task inventory_failing_twice_then_answering_still_prices_the_item()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token);
        var flaky = fixture.Inventory.Product(price: 7m);
        fixture.Inventory.Faults.FailTimes(flaky, 2);

        var result = await AddAsync(order.Id, flaky, token, 200);

        (await result.ReadAsJsonAsync<OrderResponse>())!.Total.ShouldBe(7m);
        fixture.Inventory.Faults.Calls(flaky).ShouldBe(3);
    }

    [Fact]
    public async Task inventory_down_is_a_503_and_nothing_is_appended()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token);
        var unreachable = fixture.Inventory.Product();
        fixture.Inventory.Faults.Down(unreachable);

        await AddAsync(order.Id, unreachable, token, 503);

        (await fixture.VersionAsync(order.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task inventory_too_slow_is_a_503_within_bounded_time_and_nothing_is_appended()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token);
        var slow = fixture.Inventory.Product();
        fixture.Inventory.Faults.Slow(slow, TimeSpan.FromSeconds(30));

        await AddAsync(order.Id, slow, token, 503);

        (await fixture.VersionAsync(order.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task an_answer_from_inventory_that_does_not_describe_the_product_is_not_trusted()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token);

        await AddAsync(order.Id, fixture.Inventory.Garbled(), token, 503);

        (await fixture.VersionAsync(order.Id)).ShouldBe(1);
    }

    private Task<IScenarioResult> AddAsync(Guid orderId, Guid productId, string token, int expected) => fixture.Host.Scenario(s =>
    {
        s.Post.Json(new { productId, quantity = 1 }).ToUrl($"/orders/{orderId}/items");
        s.Bearer(token);
        s.StatusCodeShouldBe(expected);
    });
}
