extern alias ordering;
extern alias payments;

using System.Net;
using System.Text;
using System.Text.Json;
using ordering::Shop.Ordering.Orders;
using RabbitMQ.Client;
using Shop.Contracts.Inventory;
using Shop.ServiceDefaults.DeadLetters;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.OrderSaga.Tests;

public class PoisonMessageTests(SagaFixture shop)
{
    private const string StockReserved = "inventory.stock_reserved.V1";

    [Fact]
    public async Task a_saga_reply_that_keeps_failing_is_dead_lettered_and_once_replayed_the_order_confirms_with_one_reservation_and_one_capture()
    {
        var product = await shop.ProductAsync(stock: 3);
        var faults = shop.Ordering.Services.GetRequiredService<HandlerFaults>();
        // Only this product's orders: the other tests' sagas run beside this one.
        faults.Fail(StockReserved, e => e.Message is StockReservedForOrder r && r.Lines.Any(l => l.ProductId == product));
        Guid orderId;
        try
        {
            (orderId, _) = await shop.CheckOutAsync(product, 2, "pm_card_visa");
        }
        catch
        {
            faults.Clear(StockReserved);
            throw;
        }

        var admin = shop.Tokens.Admin();
        var letter = await Eventually.ValueAsync(
            () => DeadLetterForAsync(orderId, admin),
            l => l is not null,
            TimeSpan.FromSeconds(30),
            $"the reservation reply of order {orderId} among Ordering's dead letters");
        var detail = await GetAsync<DeadLetterDetail>($"/admin/dead-letters/{letter!.Id}", admin);
        detail.Letter.ExceptionType.ShouldBe(typeof(HandlerFailedOnPurposeException).FullName);
        detail.Letter.Endpoint.ShouldBe("rabbitmq://queue/ordering");
        detail.Body!.Value.GetProperty("orderId").GetGuid().ShouldBe(orderId);
        (await shop.OrderAsync(orderId)).Status.ShouldNotBe(OrderStatus.Confirmed);

        faults.Clear(StockReserved);
        var replayed = await PostAsync("/admin/dead-letters/replay", new { ids = new[] { letter.Id } }, admin, HttpStatusCode.OK);
        (await replayed.ReadAsJsonAsync<DeadLetterActionResult>())!.Affected.ShouldBe(1);

        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
        var payment = (await shop.PaymentAsync(orderId))!;
        payment.Status.ShouldBe(payments::Shop.Payments.Payments.PaymentStatus.Captured);
        payment.Captured.ShouldBe(payment.Amount);
        var reservations = (await shop.ProductStateAsync(product)).Reservations;
        reservations.Count.ShouldBe(1);
        reservations[orderId].ShouldBe(2);
        (await DeadLetterForAsync(orderId, admin)).ShouldBeNull();
    }

    [Fact]
    public async Task auditors_read_dead_letters_without_their_bodies_and_may_not_act_on_them()
    {
        var product = await shop.ProductAsync(stock: 1);
        var (_, letter) = await DeadLetteredOrderAsync(product);
        var auditor = shop.Tokens.Auditor();

        var seen = await GetAsync<DeadLetterDetail>($"/admin/dead-letters/{letter.Id}", auditor);
        seen.Body.ShouldBeNull();
        seen.BodyWithheld.ShouldBe(DeadLetterDetail.WithheldFromAuditors);
        foreach (var action in new[] { "replay", "discard", "archive", "import" })
        {
            await PostAsync($"/admin/dead-letters/{action}", new { ids = new[] { letter.Id } }, auditor, HttpStatusCode.Forbidden);
        }

        await PostAsync("/admin/dead-letters/discard", new { ids = new[] { letter.Id } }, shop.Tokens.Admin(), HttpStatusCode.OK);
        await ExpectGetAsync($"/admin/dead-letters/{letter.Id}", shop.Tokens.Admin(), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task operators_list_show_and_discard_dead_letters_with_the_services_command_line_while_it_runs()
    {
        var product = await shop.ProductAsync(stock: 1);
        var (orderId, letter) = await DeadLetteredOrderAsync(product);
        var environment = new Dictionary<string, string>
        {
            ["Shop__Schema"] = "saga_ordering",
            ["ConnectionStrings__RabbitMq"] = shop.BrokerUri,
        };

        var list = await ServiceCli.RunAsync("Ordering", "dead-letters list --by message-type", environment);
        list.ExitCode.ShouldBe(0, list.Output);
        list.Output.ShouldContain(StockReserved);

        var show = await ServiceCli.RunAsync("Ordering", $"dead-letters show --id {letter.Id}", environment);
        show.ExitCode.ShouldBe(0, show.Output);
        show.Output.ShouldContain(orderId.ToString());
        show.Output.ShouldContain(typeof(HandlerFailedOnPurposeException).FullName!);

        var unnamed = await ServiceCli.RunAsync("Ordering", "dead-letters replay", environment);
        unnamed.ExitCode.ShouldNotBe(0);
        unnamed.Output.ShouldContain(DeadLetterSelection.Unnamed);

        var discarded = await ServiceCli.RunAsync("Ordering", $"dead-letters discard --id {letter.Id}", environment);
        discarded.ExitCode.ShouldBe(0, discarded.Output);
        discarded.Output.ShouldContain("1 dead letter(s) discarded");
        (await DeadLetterForAsync(orderId, shop.Tokens.Admin())).ShouldBeNull();
    }

    [Fact]
    public async Task a_reply_the_broker_dead_lettered_is_imported_into_the_services_dead_letters_and_replayed_from_there()
    {
        var product = await shop.ProductAsync(stock: 1);
        var (orderId, stored) = await DeadLetteredOrderAsync(product);
        var admin = shop.Tokens.Admin();
        var body = (await GetAsync<DeadLetterDetail>($"/admin/dead-letters/{stored.Id}", admin)).Body!.Value.GetRawText();
        await PostAsync("/admin/dead-letters/discard", new { ids = new[] { stored.Id } }, admin, HttpStatusCode.OK);
        // The same reply as the broker leaves it when a queue's delivery limit dead-letters it, and a message of
        // another service's queue beside it, which this service must leave where it is.
        var brokerId = Guid.NewGuid();
        await PublishDeadLetterAsync(brokerId, StockReserved, "ordering", body);
        var othersId = Guid.NewGuid();
        await PublishDeadLetterAsync(othersId, "payments.process_payment.V1", "payments", "{}");

        var imported = await PostAsync("/admin/dead-letters/import", null, admin, HttpStatusCode.OK);
        (await imported.ReadAsJsonAsync<DeadLetterActionResult>())!.Affected.ShouldBe(1);
        var letter = await GetAsync<DeadLetterDetail>($"/admin/dead-letters/{brokerId}", admin);
        letter.Letter.ExceptionType.ShouldBe(typeof(DeadLetteredByBrokerException).FullName);
        letter.Letter.Endpoint.ShouldBe("rabbitmq://queue/ordering");
        (await shop.OrderAsync(orderId)).Status.ShouldNotBe(OrderStatus.Confirmed);

        await PostAsync("/admin/dead-letters/replay", new { ids = new[] { brokerId } }, admin, HttpStatusCode.OK);
        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
        (await DrainAsync(BrokerDeadLetterQueue.QueueName)).ShouldBe([othersId.ToString()]);
    }

    [Fact]
    public async Task an_action_that_names_no_dead_letters_is_refused_and_an_unknown_grouping_too()
    {
        var refused = await PostAsync("/admin/dead-letters/replay", new { messageTyp = StockReserved }, shop.Tokens.Admin(), HttpStatusCode.BadRequest);
        (await refused.ReadAsTextAsync()).ShouldContain(DeadLetterSelection.Unnamed);
        await ExpectGetAsync("/admin/dead-letters?groupBy=colour", shop.Tokens.Admin(), HttpStatusCode.BadRequest);
        await ExpectGetAsync($"/admin/dead-letters/{Guid.NewGuid()}", shop.Tokens.Admin(), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_message_that_cannot_be_read_is_dead_lettered_by_the_service_and_does_not_block_its_queue()
    {
        var poison = $"{{ this is not a payment {Guid.NewGuid()}";
        var factory = new ConnectionFactory { Uri = new Uri(shop.BrokerUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                MessageId = Guid.NewGuid().ToString(),
                Headers = new Dictionary<string, object?> { ["message-type"] = "payments.process_payment.V1" },
            };
            await channel.BasicPublishAsync("", "payments", mandatory: false, properties, Encoding.UTF8.GetBytes(poison));
        }

        var product = await shop.ProductAsync(stock: 2);
        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");

        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
        var admin = shop.Tokens.Admin();
        await Eventually.ValueAsync(
            async () =>
            {
                var page = await GetAsync<Page<DeadLetterSummary>>("/admin/dead-letters/messages?endpoint=rabbitmq://queue/payments&pageSize=100", admin, shop.Payments);
                var details = await Task.WhenAll(page.Items.Select(l => GetAsync<DeadLetterDetail>($"/admin/dead-letters/{l.Id}", admin, shop.Payments)));
                return details.Select(d => d.Body?.ToString() ?? "").ToList();
            },
            bodies => bodies.Any(b => b.Contains(poison, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the unreadable message among Payments' dead letters");
    }

    private async Task PublishDeadLetterAsync(Guid id, string messageType, string fromQueue, string body)
    {
        var factory = new ConnectionFactory { Uri = new Uri(shop.BrokerUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.QueueDeclareAsync(BrokerDeadLetterQueue.QueueName, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        var death = new Dictionary<string, object?> { ["queue"] = Encoding.UTF8.GetBytes(fromQueue), ["reason"] = Encoding.UTF8.GetBytes("delivery_limit"), ["count"] = 1L };
        var properties = new BasicProperties
        {
            MessageId = id.ToString(),
            Type = messageType,
            ContentType = "application/json",
            Persistent = true,
            Headers = new Dictionary<string, object?> { ["x-death"] = new List<object> { death } },
        };
        await channel.BasicPublishAsync("", BrokerDeadLetterQueue.QueueName, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Empties a queue of the test's virtual host and returns the ids of what it held.</summary>
    private async Task<List<string?>> DrainAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(shop.BrokerUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var ids = new List<string?>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            ids.Add(message.BasicProperties.MessageId);
        }

        return ids;
    }

    /// <summary>Checks out an order of the product whose reservation reply Ordering fails on, and waits for its dead letter.</summary>
    private async Task<(Guid OrderId, DeadLetterSummary Letter)> DeadLetteredOrderAsync(Guid product)
    {
        var faults = shop.Ordering.Services.GetRequiredService<HandlerFaults>();
        faults.Fail(StockReserved, e => e.Message is StockReservedForOrder r && r.Lines.Any(l => l.ProductId == product));
        try
        {
            var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");
            var letter = await Eventually.ValueAsync(
                () => DeadLetterForAsync(orderId, shop.Tokens.Admin()), l => l is not null, TimeSpan.FromSeconds(30), $"order {orderId}'s dead letter");
            return (orderId, letter!);
        }
        finally
        {
            faults.Clear(StockReserved);
        }
    }

    private async Task<DeadLetterSummary?> DeadLetterForAsync(Guid orderId, string token)
    {
        var page = await GetAsync<Page<DeadLetterSummary>>($"/admin/dead-letters/messages?messageType={StockReserved}&pageSize=100", token);
        foreach (var letter in page.Items)
        {
            var detail = await GetAsync<DeadLetterDetail>($"/admin/dead-letters/{letter.Id}", token);
            if (detail.Body is { ValueKind: JsonValueKind.Object } body && body.GetProperty("orderId").GetGuid() == orderId)
            {
                return letter;
            }
        }

        return null;
    }

    private Task<IScenarioResult> PostAsync(string url, object? body, string token, HttpStatusCode expected) => shop.Ordering.Scenario(s =>
    {
        if (body is null)
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

    private Task<IScenarioResult> ExpectGetAsync(string url, string token, HttpStatusCode expected) => shop.Ordering.Scenario(s =>
    {
        s.Get.Url(url);
        s.Bearer(token);
        s.StatusCodeShouldBe(expected);
    });

    private async Task<T> GetAsync<T>(string url, string token, IAlbaHost? host = null)
    {
        var result = await (host ?? shop.Ordering).Scenario(s =>
        {
            s.Get.Url(url);
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<T>())!;
    }
}
