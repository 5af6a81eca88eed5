using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Audit.Chain;

public static class EventChainExtensions
{
    /// <summary>Signed checkpoints on a schedule, and what <c>audit verify</c> and <c>audit checkpoint</c> need.</summary>
    public static WebApplicationBuilder AddEventChain(this WebApplicationBuilder builder, ShopSettings settings)
    {
        builder.Services.AddSingleton(AuditSettings.From(builder.Configuration, builder.Environment));
        builder.Services.AddSingleton<CheckpointKeys>();
        builder.Services.AddSingleton(new EventChainStore(settings.Postgres, settings.Schema));
        builder.Services.AddSingleton(sp => new Checkpoints(
            sp.GetRequiredService<EventChainStore>(), sp.GetRequiredService<CheckpointKeys>(), settings.Postgres,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ChainAudit>();
        builder.Services.AddHostedService<CheckpointSchedule>();
        return builder;
    }
}
