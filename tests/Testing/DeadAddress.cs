using System.Net;
using System.Net.Sockets;

namespace Shop.Testing;

/// <summary>An address on loopback where nothing listens: a service (or a replica of one) that is down refuses the connection.</summary>
public static class DeadAddress
{
    public static Uri Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
