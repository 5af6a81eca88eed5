using System.Text.Json;
using Marten;
using Marten.Events;
using Shop.Ordering.Orders;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;
using Wolverine.Tracking;
using Integration = Shop.Contracts.Orders;

namespace Shop.Ordering.Tests;

public class OrderApiTests(OrderingFixture fixture)
{
    [Fact]
    public async Task an_order_takes_names_and_prices_from_the_catalog_not_from_the_client()
    {
        var (_, token) = fixture.Customer();
        var lamp = fixture.Inventory.Product(price: 30m, name: "Desk lamp");

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { items = new[] { new { productId = lamp, quantity = 2, unitPrice = 0.01m, name = "free" } }, total = 0, status = "Confirmed" }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(201);
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });

        var order = (await result.ReadAsJsonAsync<OrderResponse>())!;
        order.Items.ShouldHaveSingleItem().ShouldBe(new OrderLine(lamp, "Desk lamp", 2, 30m));
        (order.Total, order.Status).ShouldBe((60m, OrderStatus.Pending));
        result.Context.Response.Headers.Location.ToString().ShouldBe($"/orders/{order.Id}");
    }

    [Fact]
    public async Task an_unknown_or_discontinued_product_is_a_400_naming_the_item_and_nothing_is_written()
    {
        var (_, token) = fixture.Customer();
        var known = fixture.Inventory.Product();
        var discontinued = fixture.Inventory.Product(discontinued: true);

        foreach (var bad in new[] { Guid.NewGuid(), discontinued })
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Post.Json(new { items = new[] { new { productId = known, quantity = 1 }, new { productId = bad, quantity = 1 } } }).ToUrl("/orders");
                s.Bearer(token);
                s.StatusCodeShouldBe(400);
            });
            JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("errors").TryGetProperty("items[1].productId", out _).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task a_value_of_the_wrong_type_is_a_400_naming_its_place_in_the_json_and_no_type_of_the_server()
    {
        var (_, token) = fixture.Customer();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { items = new[] { new { productId = "not a product id", quantity = 1 } } }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(400);
        });

        var body = await result.ReadAsTextAsync();
        JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()
            .ShouldBe("The value of $.items[0].productId does not have the type this operation expects.");
        body.ShouldNotContain("Shop.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task quantities_outside_1_to_999_are_a_400(int quantity)
    {
        var (_, token) = fixture.Customer();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { items = new[] { new { productId = fixture.Inventory.Product(), quantity } } }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task the_full_life_of_an_order_add_remove_checkout_and_read_back()
    {
        var (customer, token) = fixture.Customer();
        var (mug, lamp) = (fixture.Inventory.Product(price: 5m), fixture.Inventory.Product(price: 30m));
        var order = await fixture.CreateAsync(token, (mug, 1));

        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/items", new { productId = lamp, quantity = 1 }, token, 200);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/items", new { productId = mug, quantity = 2 }, token, 200);
        await SendAsync(HttpMethod.Delete, $"/orders/{order.Id}/items/{lamp}", null, token, 200);
        var tracked = await fixture.Host.ExecuteAndWaitAsync(() =>
            SendAsync(HttpMethod.Post, $"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, 202));

        var details = await fixture.DetailsAsync(order.Id, token, minVersion: 5);
        (details.Status, details.Total, details.CustomerId, details.Version).ShouldBe((OrderStatus.Submitted, 15m, customer, 5));
        details.Items.ShouldHaveSingleItem().Quantity.ShouldBe(3);
        details.SubmittedAt.ShouldNotBeNull();
        var created = tracked.Sent.Envelopes().Where(e => e.Message is Integration.OrderCreated c && c.OrderId == order.Id).ShouldHaveSingleItem();
        created.Destination!.ToString().ShouldBe("rabbitmq://exchange/orders/routing/order.created");
        ((Integration.OrderCreated)created.Message!).Total.ShouldBe(15m);
    }

    [Fact]
    public async Task a_submitted_order_can_no_longer_be_edited_or_checked_out_again()
    {
        var (_, token) = fixture.Customer();
        var mug = fixture.Inventory.Product();
        var order = await fixture.CreateAsync(token, (mug, 1));
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, 202);

        (await CodeAsync(await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/items", new { productId = mug, quantity = 1 }, token, 409))).ShouldBe("order_not_pending");
        (await CodeAsync(await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, 409))).ShouldBe("order_not_pending");
    }

    [Fact]
    public async Task checking_out_without_a_payment_method_is_a_400_and_an_empty_order_a_409()
    {
        var (_, token) = fixture.Customer();
        var empty = await fixture.CreateAsync(token);

        (await CodeAsync(await SendAsync(HttpMethod.Post, $"/orders/{empty.Id}/checkout", new { }, token, 400))).ShouldBe("validation_failed");
        (await CodeAsync(await SendAsync(HttpMethod.Post, $"/orders/{empty.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, 409))).ShouldBe("order_empty");
    }

    [Fact]
    public async Task a_quantity_sent_as_a_string_is_a_400_naming_the_field_not_quietly_read_as_a_number()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token);

        var result = await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/items", new { productId = fixture.Inventory.Product(), quantity = "2" }, token, 400);

        (await CodeAsync(result)).ShouldBe("invalid_request");
    }

    private static async Task<string?> CodeAsync(IScenarioResult result) =>
        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("code").GetString();

    [Fact]
    public async Task another_customers_order_is_a_404_for_every_route()
    {
        var (_, owner) = fixture.Customer();
        var (_, stranger) = fixture.Customer();
        var mug = fixture.Inventory.Product();
        var order = await fixture.CreateAsync(owner, (mug, 1));
        await fixture.DetailsAsync(order.Id, owner, 1);

        await SendAsync(HttpMethod.Get, $"/orders/{order.Id}", null, stranger, 404);
        await SendAsync(HttpMethod.Get, $"/orders/{order.Id}/history", null, stranger, 404);
        await SendAsync(HttpMethod.Get, $"/orders/{order.Id}/state?version=1", null, stranger, 404);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/items", new { productId = mug, quantity = 1 }, stranger, 404);
        await SendAsync(HttpMethod.Delete, $"/orders/{order.Id}/items/{mug}", null, stranger, 404);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, stranger, 404);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/cancel", null, stranger, 404);
        (await fixture.VersionAsync(order.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task admins_and_auditors_read_any_order_and_its_history()
    {
        var (_, owner) = fixture.Customer();
        var order = await fixture.CreateAsync(owner, (fixture.Inventory.Product(), 1));

        (await fixture.DetailsAsync(order.Id, fixture.Tokens.Admin(), 1)).Id.ShouldBe(order.Id);
        (await fixture.DetailsAsync(order.Id, fixture.Tokens.Auditor(), 1)).Id.ShouldBe(order.Id);
        await SendAsync(HttpMethod.Get, $"/orders/{order.Id}/history", null, fixture.Tokens.Auditor(), 200);
    }

    [Fact]
    public async Task only_an_admin_ships_and_only_a_confirmed_order_which_then_cannot_be_cancelled()
    {
        var (customer, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/checkout", new { paymentMethod = "pm_card_visa" }, token, 202);

        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/ship", null, token, 403);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/ship", null, fixture.Tokens.Admin(), 409);
        await fixture.ConfirmAsync(order.Id, customer);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/ship", null, fixture.Tokens.Admin(), 200);
        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/cancel", null, token, 409);

        (await fixture.DetailsAsync(order.Id, token, 4)).Status.ShouldBe(OrderStatus.Shipped);
    }

    [Fact]
    public async Task a_customer_cancels_with_a_reason_and_the_order_shows_it()
    {
        var (_, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));

        await SendAsync(HttpMethod.Post, $"/orders/{order.Id}/cancel?reason=changed%20my%20mind", null, token, 200);

        var details = await fixture.DetailsAsync(order.Id, token, 2);
        (details.Status, details.CancellationReason).ShouldBe((OrderStatus.Cancelled, "changed my mind"));
    }

    [Fact]
    public async Task my_orders_are_listed_newest_first_a_page_at_a_time_down_to_the_first_one()
    {
        var (_, token) = fixture.Customer();
        var product = fixture.Inventory.Product(price: 2m);
        var first = await fixture.CreateAsync(token, (product, 1));
        var second = await fixture.CreateAsync(token, (product, 2));
        var third = await fixture.CreateAsync(token, (product, 3));
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var pages = new List<Page<OrderListItem>>();
        for (var page = 1; page <= 3; page++)
        {
            pages.Add((await (await SendAsync(HttpMethod.Get, $"/orders?page={page}&pageSize=2", null, token, 200)).ReadAsJsonAsync<Page<OrderListItem>>())!);
        }

        pages.Select(p => p.Total).ShouldAllBe(t => t == 3);
        pages[0].Items.Select(o => (o.OrderId, o.Total)).ShouldBe([(third.Id, 6m), (second.Id, 4m)]);
        pages[1].Items.Select(o => o.OrderId).ShouldBe([first.Id]);
        pages[2].Items.ShouldBeEmpty();
        await SendAsync(HttpMethod.Get, "/orders?pageSize=1000", null, token, 400);
        await SendAsync(HttpMethod.Get, "/orders?page=0", null, token, 400);
    }

    [Fact]
    public async Task the_sagas_records_on_an_order_move_its_version_in_the_read_model_as_in_its_events()
    {
        var (customer, token) = fixture.Customer();
        var order = await fixture.CreateAsync(token, (fixture.Inventory.Product(), 1));
        await using (var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.Append(order.Id, new OrderStockReserved(order.Id, customer));
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var projected = await SendAsync(HttpMethod.Get, $"/orders/{order.Id}", null, token, 200);
        projected.Context.Response.Headers.ETag.ToString().ShouldBe($"\"{await fixture.VersionAsync(order.Id)}\"");
        (await projected.ReadAsJsonAsync<OrderDetails>())!.Version.ShouldBe(2);
    }

    [Fact]
    public async Task an_unknown_order_is_a_404()
    {
        var (_, token) = fixture.Customer();

        await SendAsync(HttpMethod.Get, $"/orders/{Guid.NewGuid()}", null, token, 404);
        await SendAsync(HttpMethod.Post, $"/orders/{Guid.NewGuid()}/cancel", null, token, 404);
    }

    private Task<IScenarioResult> SendAsync(HttpMethod method, string url, object? body, string token, int expected) => fixture.Host.Scenario(s =>
    {
        if (method == HttpMethod.Get)
        {
            s.Get.Url(url);
        }
        else if (method == HttpMethod.Delete)
        {
            s.Delete.Url(url);
        }
        else if (body is null)
        {
            s.Post.Url(url);
        }
        else
        {
            s.Post.Json(body).ToUrl(url);
        }

        s.Bearer(token);
        s.StatusCodeShouldBe(expected);
    });
}
