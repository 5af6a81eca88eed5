using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Shop.Client.Identity;
using Shop.Client.Inventory;
using Shop.Client.Ordering;
using Shop.Testing;
using IdentityModels = Shop.Client.Identity.Models;
using OrderingModels = Shop.Client.Ordering.Models;

namespace Shop.EndToEnd.Tests;

/// <summary>A customer's journey through the C# client generated from the published API documents.</summary>
[Collection(nameof(TheShop))]
public class GeneratedClientTests(ShopProcesses shop)
{
    private const string BaseUrl = "http://127.0.0.1:3000/api";

    [Fact]
    public async Task a_customer_registers_orders_and_pays_through_the_generated_client()
    {
        var email = $"client-{Guid.NewGuid():N}@example.com";
        var identity = new IdentityClient(Adapter(new AnonymousAuthenticationProvider()));
        await identity.Users.PostAsync(new IdentityModels.RegisterUser { Email = email, Password = "generated client passphrase", DisplayName = "Client" });
        var token = await identity.Oauth.Token.PostAsync(new Shop.Client.Identity.Oauth.Token.TokenPostRequestBody
        {
            GrantType = "password",
            Username = email,
            Password = "generated client passphrase",
        });
        token!.AccessToken.ShouldNotBeNullOrEmpty();
        var renewed = await identity.Oauth.Token.PostAsync(new Shop.Client.Identity.Oauth.Token.TokenPostRequestBody { GrantType = "refresh_token", RefreshToken = token.RefreshToken });
        renewed!.RefreshToken.ShouldNotBe(token.RefreshToken);

        // A name of its own: a database kept across runs holds earlier runs' kettles, more than a page of them.
        var name = $"Generated client kettle {Guid.NewGuid():N}";
        var sku = await shop.ProductInStockAsync(name, 18.5m);
        var catalog = new InventoryClient(Adapter(new AnonymousAuthenticationProvider()));
        // The catalog is a read model kept by the async daemon: the new product shows there shortly after.
        var page = await Eventually.ValueAsync(
            () => catalog.Products.GetAsync(r => r.QueryParameters.Name = name),
            p => p?.Items?.Any(i => i.Sku == sku) == true,
            TimeSpan.FromSeconds(30),
            "the new product in the catalog");
        var product = page!.Items!.First(p => p.Sku == sku);

        var ordering = new OrderingClient(Adapter(new BaseBearerTokenAuthenticationProvider(new StaticToken(token.AccessToken!))));
        var order = await StepAsync("create the order", () => ordering.Orders.PostAsync(new OrderingModels.CreateOrder { Items = [new OrderingModels.RequestedItem { ProductId = product.Id, Quantity = 1 }] }));
        order!.Status.ShouldBe(OrderingModels.OrderStatus.Pending);
        var accepted = await StepAsync("check out", () => ordering.Orders[order.Id!.Value].Checkout.PostAsync(new OrderingModels.CheckOut { PaymentMethod = "pm_card_visa" }));
        accepted!.Status.ShouldBe(OrderingModels.OrderStatus.Submitted);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        OrderingModels.OrderDetails? details;
        do
        {
            await Task.Delay(250);
            // The read model is asynchronous: naming the version just written makes the read wait for it.
            details = await StepAsync("read the order", () => ordering.Orders[order.Id!.Value].GetAsync(r =>
                r.Headers.Add("X-Min-Version", accepted.Version!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        while (details!.Status is not (OrderingModels.OrderStatus.Confirmed or OrderingModels.OrderStatus.Cancelled) && DateTime.UtcNow < deadline);

        details.Status.ShouldBe(OrderingModels.OrderStatus.Confirmed, $"cancellation reason: {details.CancellationReason}");
        details.Items!.Single().ProductId.ShouldBe(product.Id);
        shop.Contract.Checked.ShouldBeGreaterThan(0);
    }

    /// <summary>A problem answer names the step and what the service said, not just the exception type.</summary>
    private static async Task<T> StepAsync<T>(string step, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (OrderingModels.ProblemDetails problem)
        {
            throw new InvalidOperationException($"{step}: {problem.Status} {problem.Title}: {problem.Detail}", problem);
        }
    }

    private HttpClientRequestAdapter Adapter(IAuthenticationProvider authentication) =>
        new(authentication, httpClient: new HttpClient(shop.Contract, disposeHandler: false)) { BaseUrl = BaseUrl };

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new(["127.0.0.1"]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
