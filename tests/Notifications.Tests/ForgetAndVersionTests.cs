using Marten;
using Marten.Events;
using Shop.Contracts.Orders;
using Shop.Contracts.Users;
using Shop.Notifications.Customers;
using Shop.Notifications.Notifications;
using Shop.ServiceDefaults.Privacy;
using Shop.Testing;
using Wolverine;
using Wolverine.Tracking;

namespace Shop.Notifications.Tests;

/// <summary>Notifications forgets a customer when Identity says so, and reads both versions of order.cancelled.</summary>
public class ForgetAndVersionTests(NotificationsFixture fixture)
{
    private const string Schema = "notifications_tests";

    [Fact]
    public async Task the_contact_copy_is_sealed_and_a_forgotten_customer_gets_nothing_more()
    {
        var (customer, email) = await fixture.CustomerAsync();
        (await Database.RowsAsync($"select data::text from {Schema}.mt_doc_customercontact where id = '{customer}'"))
            .ShouldHaveSingleItem().ShouldNotContain(email);

        await fixture.Host.MessageBus().PublishAsync(new UserForgotten(customer));
        var keys = fixture.Host.Services.GetRequiredService<PersonalDataKeys>();
        await Eventually.ValueAsync(() => keys.ForgottenAtAsync(customer, CancellationToken.None), at => at is not null, TimeSpan.FromSeconds(30), "the customer forgotten");
        (await ContactAsync(customer)).ShouldBeNull();

        var created = NotificationsFixture.Created(customer);
        await fixture.Host.MessageBus().PublishAsync(created);
        var givenUp = await Eventually.ValueAsync(
            () => fixture.NotificationAsync(created.OrderId, "order-created"), n => n?.Status == NotificationStatus.GivenUp, TimeSpan.FromSeconds(30), "given up");
        givenUp!.Attempts.ShouldBe(0);
        File.Exists(Path.Combine(fixture.Mailbox, $"{givenUp.Id:N}.eml")).ShouldBeFalse();
        (await Database.RowsAsync($"select data::text from {Schema}.mt_events where data::text like '%{email}%'")).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_registration_redelivered_after_the_forget_does_not_bring_the_address_back()
    {
        var (customer, email) = await fixture.CustomerAsync();
        await fixture.Host.InvokeMessageAndWaitAsync(new UserForgotten(customer));

        await fixture.Host.InvokeMessageAndWaitAsync(new UserRegistered(customer, email, "Nora Notified"));

        (await ContactAsync(customer)).ShouldBeNull();
    }

    [Fact]
    public async Task version_1_of_order_cancelled_from_a_producer_not_yet_upgraded_still_notifies()
    {
        var (customer, _) = await fixture.CustomerAsync();
        var order = Guid.NewGuid();

        await fixture.Host.MessageBus().PublishAsync(new OrderCancelledV1(order, customer, "out of stock"));

        var sent = await Eventually.ValueAsync(
            () => fixture.NotificationAsync(order, "order-cancelled"), n => n?.Status == NotificationStatus.Sent, TimeSpan.FromSeconds(30), "sent");
        sent!.Body.ShouldContain("was cancelled (out of stock)");
    }

    [Theory]
    [InlineData(true, "You cancelled your order")]
    [InlineData(false, "was cancelled (changed my mind)")]
    public async Task versions_1_and_2_of_one_cancellation_make_one_notification_in_the_words_of_the_first_to_arrive(bool v2First, string words)
    {
        var (customer, _) = await fixture.CustomerAsync();
        var order = Guid.NewGuid();
        object v2 = new OrderCancelled(order, customer, "changed my mind", Cancellers.Customer);
        object v1 = new OrderCancelledV1(order, customer, "changed my mind");

        await fixture.Host.InvokeMessageAndWaitAsync(v2First ? v2 : v1);
        await fixture.Host.InvokeMessageAndWaitAsync(v2First ? v1 : v2);

        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var requested = await session.Events.QueryRawEventDataOnly<NotificationRequested>().Where(r => r.OrderId == order).ToListAsync();
        requested.ShouldHaveSingleItem().Body.ShouldContain(words);
    }

    [Fact]
    public async Task a_notification_sent_before_addresses_were_sealed_reads_as_sent_without_its_address()
    {
        var id = Guid.CreateVersion7();
        await using (var old = LegacyStore.For(Schema, typeof(NotificationSentV1)))
        await using (var session = old.LightweightSession())
        {
            session.Events.StartStream<Notification>(id,
                new NotificationRequested(id, Guid.NewGuid(), Guid.NewGuid(), "email", "order-shipped", "Shipped", "Your order has shipped."),
                new NotificationSentV1(id, "old.address@example.com"));
            await session.SaveChangesAsync();
        }

        await using var reader = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await reader.Events.AggregateStreamAsync<Notification>(id))!.Status.ShouldBe(NotificationStatus.Sent);
        var events = await reader.Events.FetchStreamAsync(id);
        events.Select(e => e.EventTypeName).ShouldBe(["notification_requested", "notification_sent"]);
        events[1].Data.ShouldBe(new NotificationSent(id));
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        (await reader.LoadAsync<NotificationView>(id))!.Status.ShouldBe(NotificationStatus.Sent);
    }

    private async Task<CustomerContact?> ContactAsync(Guid customer)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.LoadAsync<CustomerContact>(customer);
    }
}
