using Marten;
using Shop.Contracts.Payments;
using Shop.Testing;
using Wolverine;

[assembly: AssemblyFixture(typeof(Shop.Payments.Tests.PaymentsFixture))]

namespace Shop.Payments.Tests;

/// <summary>One Payments host for the run, on its own schema, real PostgreSQL, the simulated processor with a short slow-card delay.</summary>
public sealed class PaymentsFixture : IAsyncLifetime
{
    public const string Schema = "payments_tests";

    public TestTokens Tokens { get; } = new();

    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await TestHosts.StartAsync<Program>(Schema, Tokens, adjust: x => x.UseSetting("Payments:SlowCardDelaySeconds", "0.5"));
        await Host.ResetAllMartenDataAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public static ProcessPayment Charge(Guid? customer = null, string card = "pm_card_visa", decimal amount = 25.5m) =>
        new(Guid.NewGuid(), customer ?? Guid.NewGuid(), amount, "EUR", card);

    /// <summary>
    /// Handles a saga command as the payments queue would and returns its reply. (Tracked sessions
    /// watch a whole host, so tests that run side by side use the reply instead.)
    /// </summary>
    public Task<T> HandleAsync<T>(object command) =>
        Host.MessageBus().InvokeAsync<T>(command, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(30));
}
