using System.Net.Http.Headers;
using System.Text;

namespace Shop.Testing;

/// <summary>
/// A RabbitMQ virtual host per test suite: its own exchanges and queues, so suites running side by
/// side (or a shop running on the same broker) never take each other's messages.
/// </summary>
public static class Broker
{
    /// <summary>Creates the virtual host (through the management API) and returns an AMQP URI for it.</summary>
    public static async Task<string> VirtualHostAsync(string name)
    {
        var amqp = new Uri(Database.RabbitMq);
        using var http = Management();
        var user = Uri.UnescapeDataString(amqp.UserInfo).Split(':')[0];
        (await http.PutAsync($"vhosts/{name}", null)).EnsureSuccessStatusCode();
        var everything = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"permissions/{name}/{user}", everything)).EnsureSuccessStatusCode();
        return new UriBuilder(amqp) { Path = name }.Uri.ToString();
    }

    /// <summary>How many messages wait in a queue of a virtual host (0 when the queue does not exist yet).</summary>
    public static async Task<long> MessagesInAsync(string virtualHost, string queue)
    {
        using var http = Management();
        using var response = await http.GetAsync($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number ? messages.GetInt64() : 0;
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
