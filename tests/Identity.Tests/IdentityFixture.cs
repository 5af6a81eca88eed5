using System.Text.Json;
using JasperFx.CommandLine;
using Marten;
using Shop.Identity.Credentials;
using Shop.Identity.Users;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;
using Wolverine;

[assembly: AssemblyFixture(typeof(Shop.Identity.Tests.IdentityFixture))]

namespace Shop.Identity.Tests;

/// <summary>One Identity host for the whole run, on a schema of its own, against real PostgreSQL and RabbitMQ.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public const string Schema = "identity_tests";
    public const string Password = "correct horse battery staple";

    public string KeysDirectory { get; } = Path.Combine(Path.GetTempPath(), $"shop-identity-tests-{Guid.NewGuid():N}");

    public IAlbaHost Host { get; private set; } = null!;

    public Guid AdminId { get; private set; }

    public string AdminToken { get; private set; } = "";

    public string AuditorToken { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        JasperFxEnvironment.AutoStartHost = true;
        Host = await AlbaHost.For<Program>(x =>
        {
            x.UseSetting("Shop:Schema", Schema);
            x.UseSetting("Identity:Keys:Directory", KeysDirectory);
            x.UseSetting("Logging:LogLevel:Default", "Warning");
            x.ConfigureServices(s => s.RunWolverineInSoloMode());
        });

        await Host.ResetAllMartenDataAsync();

        AdminId = await SeedAsync(UniqueEmail("admin"), [ShopRoles.Admin]);
        AdminToken = await TokenAsync((await EmailOf(AdminId))!, Password);
        var auditor = await SeedAsync(UniqueEmail("auditor"), [ShopRoles.Auditor]);
        AuditorToken = await TokenAsync((await EmailOf(auditor))!, Password);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(KeysDirectory, recursive: true);
    }

    public static string UniqueEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>Registers through the API and returns the new user's id.</summary>
    public async Task<Guid> RegisterAsync(string email, string password = Password, string displayName = "Test User")
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { email, password, displayName }).ToUrl("/users");
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<WriteAccepted>())!.Id;
    }

    /// <summary>A registered customer and their token.</summary>
    public async Task<(Guid Id, string Email, string Token)> CustomerAsync()
    {
        var email = UniqueEmail();
        var id = await RegisterAsync(email);
        return (id, email, await TokenAsync(email, Password));
    }

    public async Task<string> TokenAsync(string email, string password) =>
        (await LogInAsync(email, password)).GetProperty("access_token").GetString()!;

    /// <summary>An OAuth 2.0 password grant that must succeed: the token answer.</summary>
    public async Task<JsonElement> LogInAsync(string email, string password, string address = "192.0.2.1") =>
        await OAuthAsync(new() { ["grant_type"] = "password", ["username"] = email, ["password"] = password }, 200, address);

    /// <summary>Posts a form to the token endpoint from <paramref name="address"/> and returns the JSON answer, which must have <paramref name="status"/>.</summary>
    public async Task<JsonElement> OAuthAsync(Dictionary<string, string> form, int status, string address = "192.0.2.1", string path = "/oauth/token")
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.FormData(form).ToUrl(path);
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address));
            s.StatusCodeShouldBe(status);
        });
        var body = await result.ReadAsTextAsync();
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The user as the read model shows it once it reflects <paramref name="minVersion"/>.</summary>
    public async Task<UserView> UserAsync(Guid id, string token, long minVersion = 1)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}");
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.WithRequestHeader(Versions.MinVersionHeader, minVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<UserView>())!;
    }

    /// <summary>Creates a user the way the add-user command does, for roles sign-up cannot give.</summary>
    public async Task<Guid> SeedAsync(string email, IReadOnlyList<string> roles, PasswordHasher? hasher = null)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        var registered = await Registration.StartAsync(
            session, hasher ?? Host.Services.GetRequiredService<PasswordHasher>(), email, "Seeded", Password, roles, CancellationToken.None);
        await session.SaveChangesAsync();
        return registered!.UserId;
    }

    private async Task<string?> EmailOf(Guid id)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.AggregateStreamAsync<User>(id))?.Email.Value;
    }

}
