using Shop.Testing;

namespace Shop.Ordering.Tests;

[CollectionDefinition(DisableParallelization = true)]
public sealed class Rebuilds;

[Collection(nameof(Rebuilds))]
public class RebuildTests(OrderingFixture fixture)
{
    [Fact]
    public async Task rebuilding_order_details_from_the_command_line_yields_the_same_documents()
    {
        const string schema = "ordering_cli_tests";
        var (_, token) = fixture.Customer();
        var (mug, lamp) = (fixture.Inventory.Product(price: 3m), fixture.Inventory.Product(price: 20m));

        var (before, after, outcome) = await ProjectionRebuilds.FromCommandLineAsync(
            "Ordering",
            schema,
            ["mt_doc_orderdetails"],
            () => fixture.StartAsync(schema),
            async service =>
            {
                var created = await service.Scenario(s =>
                {
                    s.Post.Json(new { items = new[] { new { productId = mug, quantity = 2 } } }).ToUrl("/orders");
                    s.Bearer(token);
                    s.StatusCodeShouldBe(201);
                });
                var id = (await created.ReadAsJsonAsync<Shop.Ordering.Orders.OrderResponse>())!.Id;
                foreach (var (url, body, status) in new (string, object, int)[]
                {
                    ($"/orders/{id}/items", new { productId = lamp, quantity = 1 }, 200),
                    ($"/orders/{id}/checkout", new { paymentMethod = "pm_card_visa" }, 202),
                })
                {
                    await service.Scenario(s =>
                    {
                        s.Post.Json(body).ToUrl(url);
                        s.Bearer(token);
                        s.StatusCodeShouldBe(status);
                    });
                }
            },
            ct: TestContext.Current.CancellationToken);

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        before.Count.ShouldBe(1);
        after.ShouldBe(before);
    }
}
