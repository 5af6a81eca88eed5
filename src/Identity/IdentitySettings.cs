using Shop.Identity.Credentials;

namespace Shop.Identity;

/// <summary>Identity's own settings (section "Identity").</summary>
public sealed record IdentitySettings(TimeSpan AccessTokenLifetime, TimeSpan RefreshTokenLifetime, int PasswordIterations, string KeysDirectory, bool GenerateKeys)
{
    public static IdentitySettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Identity");
        var development = environment.IsDevelopment();
        var settings = new IdentitySettings(
            TimeSpan.FromMinutes(section.GetValue("AccessTokenLifetimeMinutes", 15.0)),
            TimeSpan.FromDays(section.GetValue("RefreshTokenLifetimeDays", 14.0)),
            section.GetValue("PasswordIterations", PasswordHasher.MinimumIterations),
            Path.GetFullPath(section["Keys:Directory"] ?? (development ? ".local/identity-keys" :
                throw new InvalidOperationException("Identity__Keys__Directory must name the signing keys' directory outside Development."))),
            section.GetValue("Keys:Generate", development));

        if (!development && settings.PasswordIterations < PasswordHasher.MinimumIterations)
        {
            throw new InvalidOperationException($"Identity__PasswordIterations must be at least {PasswordHasher.MinimumIterations}.");
        }

        return settings;
    }
}
