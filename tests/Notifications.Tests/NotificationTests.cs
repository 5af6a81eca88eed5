using Marten;
using Marten.Events;
using Shop.Contracts.Orders;
using Shop.Contracts.Users;
using Shop.Notifications.Customers;
using Shop.Notifications.Notifications;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;
using Wolverine;

namespace Shop.Notifications.Tests;

public class NotificationTests(NotificationsFixture fixture)
{
    [Fact]
    public async Task a_customer_renamed_in_identity_is_addressed_by_the_new_name()
    {
        var (customer, _) = await fixture.CustomerAsync();

        await fixture.Host.MessageBus().PublishAsync(new UserRenamed(customer, "Nora Renamed"));

        await Eventually.ValueAsync(
            async () =>
            {
                await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
                return await session.LoadAsync<CustomerContact>(customer, TestContext.Current.CancellationToken);
            },
            c => c?.DisplayName.Value == "Nora Renamed",
            TimeSpan.FromSeconds(30),
            "the new name in the customer's contact");
    }

    [Fact]
    public async Task each_order_event_from_the_exchange_gives_one_sent_notification()
    {
        var (customer, email) = await fixture.CustomerAsync();
        var order = Guid.NewGuid();

        foreach (var e in new object[]
        {
            NotificationsFixture.Created(customer, order),
            new OrderConfirmed(order, customer, 25m, "EUR"),
            new OrderShipped(order, customer),
            new OrderCancelled(order, customer, "changed my mind", Cancellers.Customer),
        })
        {
            await fixture.Host.MessageBus().PublishAsync(e);
        }

        foreach (var template in new[] { "order-created", "order-confirmed", "order-shipped", "order-cancelled" })
        {
            var sent = await Eventually.ValueAsync(
                () => fixture.NotificationAsync(order, template), n => n?.Status == NotificationStatus.Sent, TimeSpan.FromSeconds(30), $"{template} sent");
            sent!.CustomerId.ShouldBe(customer);
        }

        Directory.GetFiles(fixture.Mailbox, "*.eml").Select(File.ReadAllText).Count(m => m.Contains(email, StringComparison.Ordinal)).ShouldBe(4);
    }

    [Fact]
    public async Task the_first_delivery_attempt_commits_with_the_request_in_one_transaction()
    {
        var (customer, _) = await fixture.CustomerAsync();
        var created = NotificationsFixture.Created(customer);

        await fixture.Host.MessageBus().InvokeAsync(created);

        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(NotifyCustomerHandler.IdFor(created.OrderId, "order-created"));
        events.Select(e => e.EventTypeName).ShouldBe(["notification_requested", "notification_sent_v2"]);
        // One transaction: PostgreSQL stamps both events with its start.
        events[1].Timestamp.ShouldBe(events[0].Timestamp);
    }

    [Fact]
    public async Task a_redelivered_order_event_creates_no_second_notification()
    {
        var (customer, _) = await fixture.CustomerAsync();
        var created = NotificationsFixture.Created(customer);

        await fixture.Host.MessageBus().InvokeAsync(created);
        await fixture.Host.MessageBus().InvokeAsync(created);
        await fixture.Host.MessageBus().PublishAsync(created);

        await Eventually.ValueAsync(() => fixture.NotificationAsync(created.OrderId, "order-created"), n => n?.Status == NotificationStatus.Sent, TimeSpan.FromSeconds(30), "sent");
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var requested = await session.Events.QueryRawEventDataOnly<NotificationRequested>().Where(r => r.OrderId == created.OrderId).CountAsync();
        requested.ShouldBe(1);
    }

    [Fact]
    public async Task the_eml_written_without_an_smtp_server_is_a_readable_email()
    {
        var (customer, email) = await fixture.CustomerAsync();
        var created = NotificationsFixture.Created(customer);

        await fixture.Host.MessageBus().PublishAsync(created);

        var sent = await Eventually.ValueAsync(() => fixture.NotificationAsync(created.OrderId, "order-created"), n => n?.Status == NotificationStatus.Sent, TimeSpan.FromSeconds(30), "sent");
        using var message = await MimeKit.MimeMessage.LoadAsync(Path.Combine(fixture.Mailbox, $"{sent!.Id:N}.eml"));
        message.To.Mailboxes.Single().Address.ShouldBe(email);
        message.Subject.ShouldNotBeNull().ShouldContain("We received your order");
        message.TextBody.ShouldNotBeNull().ShouldContain("Desk lamp");
        message.TextBody!.ShouldContain("25.00 EUR");
    }

    [Fact]
    public async Task when_smtp_keeps_failing_delivery_is_retried_and_then_given_up_visibly()
    {
        await using var failing = await fixture.StartAsync("notifications_smtp_tests", "notifications-smtp-tests", x =>
        {
            x.UseSetting("Notifications:Smtp:Host", "127.0.0.1");
            x.UseSetting("Notifications:Smtp:Port", "9");
        });
        await failing.ResetAllMartenDataAsync();
        var (customer, _) = await fixture.CustomerAsync(failing);
        var created = NotificationsFixture.Created(customer);

        await failing.MessageBus().PublishAsync(created);

        var givenUp = await Eventually.ValueAsync(
            () => fixture.NotificationAsync(created.OrderId, "order-created", failing), n => n?.Status == NotificationStatus.GivenUp, TimeSpan.FromSeconds(60), "giving up");
        givenUp!.Attempts.ShouldBe(3);
    }

    [Fact]
    public async Task customers_read_their_own_notifications_newest_first_and_admins_anyones()
    {
        var (customer, _) = await fixture.CustomerAsync();
        var order = Guid.NewGuid();
        // One after the other: the broker does not promise the order of two events in flight.
        await fixture.Host.MessageBus().PublishAsync(NotificationsFixture.Created(customer, order));
        await Eventually.ValueAsync(() => fixture.NotificationAsync(order, "order-created"), n => n is not null, TimeSpan.FromSeconds(30), "created noted");
        await fixture.Host.MessageBus().PublishAsync(new OrderConfirmed(order, customer, 25m, "EUR"));
        await Eventually.ValueAsync(() => fixture.NotificationAsync(order, "order-confirmed"), n => n?.Status == NotificationStatus.Sent, TimeSpan.FromSeconds(30), "sent");
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        var mine = await ListAsync("/notifications", fixture.Tokens.Customer(customer), 200);
        var theirs = await ListAsync($"/notifications?customerId={customer}", fixture.Tokens.Auditor(), 200);
        await ListAsync($"/notifications?customerId={customer}", fixture.Tokens.Customer(Guid.NewGuid()), 403);
        var strangers = await ListAsync("/notifications", fixture.Tokens.Customer(Guid.NewGuid()), 200);

        mine!.Items.Select(n => n.Template).ShouldBe(["order-confirmed", "order-created"]);
        theirs!.Total.ShouldBe(2);
        strangers!.Items.ShouldBeEmpty();
    }

    private async Task<Page<NotificationView>?> ListAsync(string url, string token, int expected)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.Bearer(token);
            s.StatusCodeShouldBe(expected);
        });
        return expected == 200 ? await result.ReadAsJsonAsync<Page<NotificationView>>() : null;
    }
}
