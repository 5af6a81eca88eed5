namespace Shop.ServiceDefaults.Security;

/// <summary>The roles a token can carry.</summary>
public static class ShopRoles
{
    public const string Customer = "customer";
    public const string Admin = "admin";
    public const string Auditor = "auditor";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Customer, Admin, Auditor], StringComparer.Ordinal);
}

/// <summary>Authorization policy names shared by every service.</summary>
public static class ShopPolicies
{
    public const string Admin = "admin";
    public const string AdminOrAuditor = "admin-or-auditor";
}
