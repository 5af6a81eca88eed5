extern alias ordering;

using ordering::Shop.Ordering.Orders;
using Shop.Testing;

namespace Shop.OrderSaga.Tests;

public class BurstTests(SagaFixture shop)
{
    /// <summary>
    /// After any run: every checked-out order ends Confirmed or Cancelled; a confirmed order has exactly
    /// one net capture and its units held; a cancelled one no net charge and nothing held; no unit is
    /// sold twice.
    /// </summary>
    [Fact]
    public async Task a_burst_of_100_checkouts_for_20_units_keeps_stock_and_money_exact()
    {
        const int units = 20;
        const int orders = 100;
        var product = await shop.ProductAsync(stock: units, price: 3m);

        // Customers check out 25 at a time, so the saga, not the HTTP front, is what gets the burst.
        using var customers = new SemaphoreSlim(25);
        var placed = await Task.WhenAll(Enumerable.Range(0, orders).Select(async _ =>
        {
            await customers.WaitAsync();
            try
            {
                return await shop.CheckOutAsync(product, 1, "pm_card_visa");
            }
            finally
            {
                customers.Release();
            }
        }));
        var settled = await Task.WhenAll(placed.Select(p => shop.SettledAsync(p.OrderId)));

        var confirmed = settled.Where(o => o.Status == OrderStatus.Confirmed).Select(o => o.Id).ToHashSet();
        confirmed.Count.ShouldBe(units);
        settled.Length.ShouldBe(orders);
        var stock = await Eventually.ValueAsync(
            () => shop.ProductStateAsync(product), p => p.Reservations.Count == units, TimeSpan.FromSeconds(60), "only confirmed orders holding stock");
        stock.Reservations.Keys.ToHashSet().SetEquals(confirmed).ShouldBeTrue();
        (stock.OnHand, stock.Available).ShouldBe((units, 0));
        foreach (var order in settled)
        {
            var payment = await shop.PaymentAsync(order.Id);
            var net = payment?.NetCaptured ?? 0;
            net.ShouldBe(confirmed.Contains(order.Id) ? 3m : 0m, $"net capture of order {order.Id} ({order.Status})");
        }
    }
}
