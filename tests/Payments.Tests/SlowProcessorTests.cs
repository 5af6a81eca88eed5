using Npgsql;
using Shop.Contracts.Payments;
using Shop.Testing;

namespace Shop.Payments.Tests;

/// <summary>
/// A card processor that takes its time holds no transaction of the shop's database open meanwhile: an open
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
}
