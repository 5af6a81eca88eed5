using System.Net.Http.Headers;
using System.Text;

namespace Shop.Testing;

/// <summary>
/// A RabbitMQ virtual host per test suite: its own exchanges and queues, so suites running side by
/// side (or a shop running on the same broker) never take each other's messages.
/// </summary>
public static class Broker
{
    /// <summary>
    /// Creates the virtual host afresh (through the management API) and returns an AMQP URI for it.
    /// Afresh, because a queue left by an earlier run with other arguments (a classic queue where
    /// quorum queues are declared now) would be refused on redeclaration.
    /// </summary>
    public static async Task<string> VirtualHostAsync(string name)
    {
        var amqp = new Uri(Database.RabbitMq);
        using var http = Management();
        var user = Uri.UnescapeDataString(amqp.UserInfo).Split(':')[0];
        using (var deleted = await http.DeleteAsync($"vhosts/{name}"))
        {
            if (deleted.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                deleted.EnsureSuccessStatusCode();
            }
        }

        (await http.PutAsync($"vhosts/{name}", null)).EnsureSuccessStatusCode();
        var everything = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"permissions/{name}/{user}", everything)).EnsureSuccessStatusCode();
        return new UriBuilder(amqp) { Path = name }.Uri.ToString();
    }

    /// <summary>A queue as the broker has declared it: its type and arguments.</summary>
    public static async Task<System.Text.Json.JsonElement> QueueAsync(string virtualHost, string queue)
    {
        using var http = Management();
        var json = await http.GetStringAsync($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The AMQP connections open on a virtual host, as the broker sees them (heartbeat included, as <c>timeout</c>).</summary>
    public static async Task<IReadOnlyList<System.Text.Json.JsonElement>> ConnectionsAsync(string virtualHost)
    {
        using var http = Management();
        var json = await http.GetStringAsync($"vhosts/{Uri.EscapeDataString(virtualHost)}/connections");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(c => c.Clone())];
    }

    private static HttpClient Management()
    {
        var amqp = new Uri(Database.RabbitMq);
        var port = Environment.GetEnvironmentVariable("SHOP_RABBIT_MANAGEMENT_PORT") ?? "15672";
        var http = new HttpClient { BaseAddress = new Uri($"http://{amqp.Host}:{port}/api/") };
        var credentials = Uri.UnescapeDataString(amqp.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http;
    }
}
