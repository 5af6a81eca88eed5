using Marten;
using Shop.Contracts.Users;
using Shop.Ordering.Customers;
using Shop.Testing;
using Wolverine;
using Wolverine.Tracking;

namespace Shop.Ordering.Tests;

/// <summary>Whether a customer may order, as Ordering learns it from Identity's events, with no call to Identity.</summary>
public class CustomerStandingTests(OrderingFixture fixture)
{
    [Fact]
    public async Task a_customer_ordering_has_not_heard_of_yet_orders_on_the_strength_of_their_token()
    {
        var (_, token) = fixture.Customer();

        await fixture.CreateAsync(token);
    }

    [Fact]
    public async Task a_deactivated_customer_s_token_stops_working_for_orders()
    {
        var (customer, token) = fixture.Customer();
        await fixture.Host.InvokeMessageAndWaitAsync(new UserRegistered(customer, "someone@shop.test", "Someone"));
        await fixture.CreateAsync(token);

        await fixture.Host.InvokeMessageAndWaitAsync(new UserDeactivated(customer));

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { items = Array.Empty<object>() }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task a_reactivated_customer_orders_again()
    {
        var (customer, token) = fixture.Customer();
        await fixture.Host.InvokeMessageAndWaitAsync(new UserDeactivated(customer));

        await fixture.Host.InvokeMessageAndWaitAsync(new UserReactivated(customer));

        await fixture.CreateAsync(token);
    }

    [Fact]
    public async Task a_late_redelivery_of_an_older_deactivation_does_not_undo_a_newer_reactivation()
    {
        var customer = Guid.NewGuid();
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        var now = DateTimeOffset.UtcNow;
        await KeepAsync(store, s => CustomerAccountHandler.Handle(new UserReactivated(customer), s, new Envelope { SentAt = now }, default));

        await KeepAsync(store, s => CustomerAccountHandler.Handle(new UserDeactivated(customer), s, new Envelope { SentAt = now.AddSeconds(-5) }, default));

        await using var query = store.QuerySession();
        (await query.LoadAsync<CustomerAccount>(customer, TestContext.Current.CancellationToken))!.Active.ShouldBeTrue();
    }

    [Fact]
    public async Task a_forgotten_customer_never_orders_again_whatever_arrives_after()
    {
        var (customer, token) = fixture.Customer();
        await fixture.Host.InvokeMessageAndWaitAsync(new UserRegistered(customer, "forgotten@shop.test", "Forgotten"));

        await fixture.Host.InvokeMessageAndWaitAsync(new UserForgotten(customer));
        await fixture.Host.InvokeMessageAndWaitAsync(new UserReactivated(customer));
        await fixture.Host.InvokeMessageAndWaitAsync(new UserRegistered(customer, "forgotten@shop.test", "Forgotten"));

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { items = Array.Empty<object>() }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(401);
        });
    }

    private static async Task KeepAsync(IDocumentStore store, Func<IDocumentSession, Task> handle)
    {
        await using var session = store.LightweightSession();
        await handle(session);
        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
    }
}
