using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Console.Shared;

/// <summary>What every console page has: the request it answers, the way into the services, and whether its reader may act.</summary>
public abstract class ConsolePage : ComponentBase
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = null!;

    [Inject]
    public AdminApi Api { get; set; } = null!;

    [Inject]
    public NavigationManager Navigation { get; set; } = null!;

    /// <summary>Auditors look; only admins are offered the buttons (and the action endpoints refuse anyone else).</summary>
    protected bool IsAdmin => HttpContext.User.IsAdmin();

    protected static string When(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    protected static string Number(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    protected static string Json(object? value) => JsonSerializer.Serialize(value, Indented);
}
