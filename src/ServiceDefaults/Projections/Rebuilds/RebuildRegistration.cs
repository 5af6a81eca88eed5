using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

public static class RebuildRegistration
{
    public static IServiceCollection AddProjectionRebuilds(this IServiceCollection services)
    {
        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton<RebuildJobs>();
        services.AddHostedService(s => s.GetRequiredService<RebuildJobs>());
        return services;
    }
}
