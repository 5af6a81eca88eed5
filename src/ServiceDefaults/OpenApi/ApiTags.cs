namespace Shop.ServiceDefaults.OpenApi;

/// <summary>The resources the API reference groups operations under, in the order it shows them.</summary>
public static class ApiTags
{
    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        ("Orders", "A customer's orders: create and fill one, check it out, follow it to Confirmed, cancel it; shipping for admins."),
        ("Products", "The catalog and its stock: browse and read products; add, rename, reprice, discontinue and restock them as an admin."),
        ("Payments", "The payments taken for orders, as the card processor answered them."),
        ("Notifications", "The e-mails sent to customers about their account and orders."),
        ("Users", "Accounts: register, read and change one's profile and password; roles and deactivation for admins."),
        ("Tokens", "Access tokens: log in for one, and the discovery document and public keys that verify them."),
        ("Dashboard", "One call for a customer's start page."),
        ("Audit", "Every resource's events, oldest first, and its state at any past version or instant."),
        ("Administration", "For operators: health, projection progress and rebuilds, dead letters."),
    ];

    /// <summary>The tag of the operation at <paramref name="path"/>: its resource, or what it is for when that says more.</summary>
    public static string For(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries) switch
    {
        ["admin", ..] or ["api", "admin", ..] or ["health", ..] => "Administration",
        [.., "history"] or [.., "state"] => "Audit",
        ["auth", ..] or ["oauth", ..] or [".well-known", ..] => "Tokens",
        ["stock", ..] => "Products",
        ["api", var resource, ..] => Title(resource),
        [var resource, ..] => Title(resource),
        [] => "Administration",
    };

    private static string Title(string segment) => char.ToUpperInvariant(segment[0]) + segment[1..];
}
