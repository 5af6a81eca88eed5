using System.Net.Http.Headers;
using Alba;

namespace Shop.Testing;

public static class ScenarioExtensions
{
    /// <summary>Sends the request with <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static void Bearer(this Scenario scenario, string token) =>
        scenario.WithRequestHeader("Authorization", new AuthenticationHeaderValue("Bearer", token).ToString());
}
