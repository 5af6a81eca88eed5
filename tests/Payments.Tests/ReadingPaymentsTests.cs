using Marten.Events;
using Shop.Contracts.Payments;
using Shop.Payments.Payments;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;
using Wolverine.Tracking;

namespace Shop.Payments.Tests;

[CollectionDefinition(DisableParallelization = true)]
public sealed class Rebuilds;

[Collection(nameof(Rebuilds))]
public class ReadingPaymentsTests(PaymentsFixture fixture)
{
    [Fact]
    public async Task a_customer_reads_their_payment_by_id_and_by_order()
    {
        var customer = Guid.NewGuid();
        var command = PaymentsFixture.Charge(customer);
        var paid = await fixture.HandleAsync<PaymentSucceeded>(command);

        var byId = await GetAsync<PaymentView>($"/payments/{paid.PaymentId}", fixture.Tokens.Customer(customer), 200, minVersion: 3);
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var byOrder = await GetAsync<Page<PaymentView>>($"/payments?orderId={command.OrderId}", fixture.Tokens.Customer(customer), 200);

        (byId!.OrderId, byId.Status, byId.Captured).ShouldBe((command.OrderId, PaymentStatus.Captured, command.Amount));
        byOrder!.Items.ShouldHaveSingleItem().Id.ShouldBe(paid.PaymentId);
    }

    [Fact]
    public async Task another_customer_sees_neither_the_payment_nor_its_history()
    {
        var paid = await fixture.HandleAsync<PaymentSucceeded>(PaymentsFixture.Charge());
        var stranger = fixture.Tokens.Customer(Guid.NewGuid());
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

        await GetAsync<object>($"/payments/{paid.PaymentId}", stranger, 404);
        await GetAsync<object>($"/payments/{paid.PaymentId}/history", stranger, 404);
        await GetAsync<object>($"/payments/{paid.PaymentId}/state?version=1", stranger, 404);
        (await GetAsync<Page<PaymentView>>($"/payments?orderId={paid.OrderId}", stranger, 200))!.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task admins_and_auditors_read_any_payment_and_its_history()
    {
        var paid = await fixture.HandleAsync<PaymentSucceeded>(PaymentsFixture.Charge());

        (await GetAsync<PaymentView>($"/payments/{paid.PaymentId}", fixture.Tokens.Admin(), 200, minVersion: 3))!.Id.ShouldBe(paid.PaymentId);
        var history = await GetAsync<Page<HistoryEntry>>($"/payments/{paid.PaymentId}/history", fixture.Tokens.Auditor(), 200);
        history!.Items.Select(e => e.Type).ShouldBe(["payment_requested", "payment_authorized", "payment_captured"]);
    }

    [Fact]
    public async Task reading_payments_needs_a_token()
    {
        await GetAsync<object>("/payments", token: null, 401);
    }

    [Fact]
    public async Task rebuilding_the_payments_read_model_from_the_command_line_yields_the_same_documents()
    {
        const string schema = "payments_cli_tests";

        var (before, after, outcome) = await ProjectionRebuilds.FromCommandLineAsync(
            "Payments",
            schema,
            ["mt_doc_paymentview"],
            () => TestHosts.StartAsync<Program>(schema, tokens: null),
            async service =>
            {
                var charged = PaymentsFixture.Charge();
                await service.InvokeMessageAndWaitAsync(charged);
                await service.InvokeMessageAndWaitAsync(PaymentsFixture.Charge(card: "pm_card_declined"));
                await service.InvokeMessageAndWaitAsync(new RefundPayment(charged.OrderId, "rebuild test"));
            },
            ct: TestContext.Current.CancellationToken);

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        before.Count.ShouldBe(2);
        after.ShouldBe(before);
    }

    private async Task<T?> GetAsync<T>(string url, string? token, int expected, long minVersion = 0)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url(url);
            if (token is not null)
            {
                s.Bearer(token);
            }

            s.WithRequestHeader("X-Min-Version", minVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            s.StatusCodeShouldBe(expected);
        });
        return expected == 200 ? await result.ReadAsJsonAsync<T>() : default;
    }
}
