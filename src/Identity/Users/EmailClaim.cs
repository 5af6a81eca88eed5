namespace Shop.Identity.Users;

/// <summary>
/// Reserves an e-mail address for one user. Its id is the lower-cased address, so inserting a second
/// claim for the same address in any spelling fails in the database, whatever the concurrency.
/// </summary>
public sealed record EmailClaim(string Id, Guid UserId)
{
    public static string KeyOf(string email) => email.Trim().ToLowerInvariant();
}
