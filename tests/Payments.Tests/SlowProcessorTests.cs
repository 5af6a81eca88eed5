using System.Text.Json;
using Npgsql;
using Shop.Contracts.Payments;
using Shop.Payments.Payments;
using Shop.Testing;
using Wolverine.Tracking;

namespace Shop.Payments.Tests;

/// <summary>
/// A card processor that takes its time is waited for, and holds no transaction of the shop's database open meanwhile: an open
/// transaction counts as one that might still fill a hole in the event sequence, so the service's
/// projections would wait behind it for as long as the processor does.
/// </summary>
public class SlowProcessorTests(PaymentsFixture fixture)
{
    private static readonly TimeSpan Held = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task a_charge_waiting_on_a_slow_card_holds_no_database_transaction_open()
    {
        var charge = fixture.HandleAsync<PaymentSucceeded>(PaymentsFixture.Charge(card: "pm_card_slow"));

        var held = new List<string>();
        await using var database = NpgsqlDataSource.Create(Database.ConnectionString);
        while (!charge.IsCompleted)
        {
            await using var look = database.CreateCommand(
                "select query from pg_stat_activity where datname = current_database() and state = 'idle in transaction' "
                + "and xact_start < clock_timestamp() - $1 and query like '%' || $2 || '%'");
            look.Parameters.Add(new NpgsqlParameter { Value = Held });
            look.Parameters.Add(new NpgsqlParameter { Value = PaymentsFixture.Schema });
            await using var rows = await look.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await rows.ReadAsync(TestContext.Current.CancellationToken))
            {
                held.Add(rows.GetString(0));
            }
        }

        await charge;
        held.ShouldBeEmpty();
    }

    [Fact]
    public void the_demos_slow_card_is_answered_before_the_charge_is_cancelled_for_taking_too_long()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "src", "Payments", "appsettings.json")));
        var slowCard = settings.RootElement.GetProperty("Payments").GetProperty("SlowCardDelaySeconds").GetDouble();

        var chain = fixture.Host.GetRuntime().Handlers.ChainFor<ProcessPayment>().ShouldNotBeNull();

        chain.ExecutionTimeoutInSeconds.ShouldBe(ProcessPaymentHandler.TimeoutSeconds);
        ((double)ProcessPaymentHandler.TimeoutSeconds).ShouldBeGreaterThan(slowCard + 10);
    }
}
