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
        var credentials = Uri.UnescapeDataString(amqp.UserInfo);
        var port = Environment.GetEnvironmentVariable("SHOP_RABBIT_MANAGEMENT_PORT") ?? "15672";
        using var http = new HttpClient { BaseAddress = new Uri($"http://{amqp.Host}:{port}/api/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var user = credentials.Split(':')[0];
        (await http.PutAsync($"vhosts/{name}", null)).EnsureSuccessStatusCode();
        var everything = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"permissions/{name}/{user}", everything)).EnsureSuccessStatusCode();
        return new UriBuilder(amqp) { Path = name }.Uri.ToString();
    }
}
