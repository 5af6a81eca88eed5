namespace Shop.ServiceDefaults.Persistence;

/// <summary>How soon a service gives up on a broker connection that no longer answers.</summary>
public static class BrokerConnection
{
    /// <summary>
    /// AMQP heartbeats every 2 s: a connection that has carried nothing for about four of them is closed
    /// and reopened, and the publishes waiting on it fail over to the outbox's retry.
    /// </summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A reconnect attempt into a network that drops packets is given up after this and tried again a second
    /// later, so the connection is back within about two seconds of the network.
    /// </summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
}
