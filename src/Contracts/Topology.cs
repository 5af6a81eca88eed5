namespace Shop.Contracts;

/// <summary>The RabbitMQ exchanges services publish integration events to (all durable topic exchanges).</summary>
public static class Exchanges
{
    public const string Orders = "orders";
    public const string Users = "users";
}
