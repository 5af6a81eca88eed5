using Marten.Events;
using Shop.Contracts.Inventory;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Inventory.Tests;

[CollectionDefinition(DisableParallelization = true)]
public sealed class Rebuilds;

[Collection(nameof(Rebuilds))]
public class AuditAndProjectionTests(InventoryFixture fixture)
{
    [Fact]
    public async Task admins_and_auditors_read_a_products_history_and_past_stock_but_customers_do_not()
    {
        var id = await fixture.ProductAsync(stock: 4);
        await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(Guid.NewGuid(), (id, 3)));

        var history = await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}/history");
            s.Bearer(fixture.Tokens.Auditor());
            s.StatusCodeShouldBeOk();
        })).ReadAsJsonAsync<Page<HistoryEntry>>();
        var before = await (await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}/state?version=2");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        })).ReadAsJsonAsync<PastState>();

        history!.Items.Select(e => e.Type).ShouldBe(["product_added", "stock_received", "stock_reserved"]);
        history.Total.ShouldBe(3);
        before!.State!["onHand"]!.GetValue<int>().ShouldBe(4);
        before.State["reservations"]!.AsObject().Count.ShouldBe(0);
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}/history");
            s.Bearer(fixture.Tokens.Customer(Guid.NewGuid()));
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task rebuilding_the_catalog_and_stock_levels_through_the_admin_endpoint_yields_the_same_read_models()
    {
        var id = await SeedAsync();
        var before = await SnapshotAsync(InventoryFixture.Schema, id);

        foreach (var projection in new[] { "CatalogItem", "StockLevel" })
        {
            await ProjectionRebuilds.ThroughAdminEndpointAsync(fixture.Host, projection, fixture.AdminToken);
        }

        (await SnapshotAsync(InventoryFixture.Schema, id)).ShouldBe(before);
    }

    [Fact]
    public async Task rebuilding_from_the_command_line_with_the_service_stopped_yields_the_same_read_models()
    {
        const string schema = "inventory_cli_tests";
        var admin = fixture.Tokens.Admin();

        var (before, after, outcome) = await ProjectionRebuilds.FromCommandLineAsync(
            "Inventory",
            schema,
            ["mt_doc_catalogitem", "mt_doc_stocklevel"],
            () => TestHosts.StartAsync<Program>(schema, fixture.Tokens),
            async service =>
            {
                var created = await service.Scenario(s =>
                {
                    s.Post.Json(new { sku = "CLI-1", name = "Rebuilt", price = 3m, currency = "EUR" }).ToUrl("/products");
                    s.Bearer(admin);
                    s.StatusCodeShouldBe(201);
                });
                var id = (await created.ReadAsJsonAsync<Shop.ServiceDefaults.EventSourcing.WriteAccepted>())!.Id;
                await service.Scenario(s =>
                {
                    s.Post.Json(new { quantity = 9 }).ToUrl($"/products/{id}/stock");
                    s.Bearer(admin);
                    s.StatusCodeShouldBeOk();
                });
            },
            ct: TestContext.Current.CancellationToken);

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        before.Count.ShouldBe(2);
        after.ShouldBe(before);
    }

    /// <summary>A product with a received, reserved and shipped history; other tests write their own products meanwhile.</summary>
    private async Task<Guid> SeedAsync()
    {
        var id = await fixture.ProductAsync(stock: 6);
        var order = Guid.NewGuid();
        await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(order, (id, 2)));
        await fixture.HandleAsync<StockCommittedForOrder>(new CommitStock(order));
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        return id;
    }

    /// <summary>Both read models' documents as JSON (of one product, or all), ordered, to compare field by field.</summary>
    private static Task<List<string>> SnapshotAsync(string schema, Guid? product = null)
    {
        var filter = product is { } id ? $"where id = '{id}'" : "";
        return Database.RowsAsync(
            $"select data::text from {schema}.mt_doc_catalogitem {filter} union all select data::text from {schema}.mt_doc_stocklevel {filter} order by 1",
            TestContext.Current.CancellationToken);
    }
}
