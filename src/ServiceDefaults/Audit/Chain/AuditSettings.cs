using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>Where the checkpoint signing keys live and how often a checkpoint is taken (section "Audit").</summary>
public sealed record AuditSettings(string KeyDirectory, bool GenerateKey, TimeSpan CheckpointInterval)
{
    public static AuditSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Audit");
        var development = environment.IsDevelopment();
        return new AuditSettings(
            Path.GetFullPath(section["KeyDirectory"] ?? (development ? ".local/audit-keys" :
                throw new InvalidOperationException("Audit__KeyDirectory must name the checkpoint signing keys' directory outside Development."))),
            section.GetValue("GenerateKey", development),
            section.GetValue("CheckpointInterval", TimeSpan.FromMinutes(5)));
    }
}
