using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Shop.Faults.Workload;

/// <summary>
/// The processes of a run started with <c>--replicas N</c>, named as <c>scripts/run.sh</c> names them: replica k of
/// a service listens on its port + 100 × (k − 1) and is called <c>Ordering</c> (k = 1) or <c>Ordering-k</c>.
/// </summary>
public sealed class Replicas(int count)
{
    private static readonly Dictionary<string, int> Ports = new()
    {
        ["Gateway"] = 3000,
        ["Identity"] = 3001,
        ["Ordering"] = 3002,
        ["Inventory"] = 3003,
        ["Payments"] = 3004,
        ["Notifications"] = 3005,
    };

    private int _nextGateway;

    public int Count { get; } = count;

    public IReadOnlyList<(string Id, int Port)> Of(string service) =>
        [.. Enumerable.Range(1, Count).Select(k => (k == 1 ? service : $"{service}-{k}", Ports[service] + (100 * (k - 1))))];

    /// <summary>
    /// A client in front of every gateway replica, as a load balancer would be: each new connection goes to the
    /// next gateway, and to the one after when that refuses it.
    /// </summary>
    public HttpMessageHandler GatewayBalancer() => new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var gateways = Of("Gateway");
            var first = Interlocked.Increment(ref _nextGateway);
            for (var i = 0; ; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, gateways[(first + i) % gateways.Count].Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException) when (i < gateways.Count - 1)
                {
                    socket.Dispose();
                }
            }
        },
    };

    /// <summary>
    /// What each live replica of a service runs (<c>GET /admin/node</c>), asked of all at once; a replica that does not
    /// answer within <paramref name="patience"/> (dead, or still starting) is left out.
    /// </summary>
    public async Task<Dictionary<string, IReadOnlySet<string>>> AgentsAsync(string service, string adminToken, CancellationToken ct, TimeSpan? patience = null)
    {
        using var http = new HttpClient { Timeout = patience ?? TimeSpan.FromSeconds(3) };
        var answers = await Task.WhenAll(Of(service).Select(async replica => (replica.Id, Agents: await AgentsOfAsync(http, replica.Port, adminToken, ct))));
        return answers.Where(a => a.Agents is not null).ToDictionary(a => a.Id, a => a.Agents!);
    }

    private static async Task<IReadOnlySet<string>?> AgentsOfAsync(HttpClient http, int port, string adminToken, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/admin/node");
            request.Headers.Authorization = new("Bearer", adminToken);
            using var answer = await http.SendAsync(request, ct);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            var node = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
            return node.GetProperty("agents").EnumerateArray().Select(a => a.GetString()!).ToHashSet();
        }
        catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && !ct.IsCancellationRequested)
        {
            // Dead or not up yet: it runs nothing.
            return null;
        }
    }
}
