namespace Shop.Contracts;

/// <summary>The RabbitMQ exchanges services publish integration events to (all durable topic exchanges).</summary>
public static class Exchanges
{
    public const string Orders = "orders";
    public const string Users = "users";
}

/// <summary>The queue each service takes its commands and replies from.</summary>
public static class Queues
{
    public const string Inventory = "inventory";
    public const string Payments = "payments";
    public const string Ordering = "ordering";
}
