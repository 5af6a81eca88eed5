using System.Security.Cryptography;
using System.Text;

namespace Shop.Identity.Tokens;

/// <summary>Failed log-ins counted against one account or one client address (successful ones cost nothing).</summary>
public sealed class LoginFailures
{
    /// <summary>
    /// <c>account:</c> and the SHA-256 of the normalised e-mail address (never the address itself: the
    /// counter outlives a forget, and anyone may type any address), or <c>address:</c> and the client's IP address.
    /// </summary>
    public required string Id { get; init; }

    public int Count { get; set; }

    public DateTimeOffset FirstAt { get; set; }

    public DateTimeOffset LastAt { get; set; }

    public DateTimeOffset? BlockedUntil { get; set; }

    public static string ForAccount(string email) =>
        "account:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

    public static string ForAddress(string address) => "address:" + address;
}

/// <summary>
/// How failed log-ins slow down guessing. Per account, whichever addresses the guesses come from: a few
/// free failures, then each one doubles the wait before the next attempt, up to a cap, so an attacker
/// gets few guesses an hour and the owner is never locked out for longer than the cap. Per address: a
/// budget of failures per window large enough for an office or a mobile carrier behind one address.
/// </summary>
public sealed record LoginThrottle(int FreeAccountFailures, TimeSpan LongestAccountWait, TimeSpan ForgetAccountFailuresAfter, int AddressFailures, TimeSpan AddressWindow)
{
    public static LoginThrottle From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Identity:LogInThrottle");
        return new LoginThrottle(
            section.GetValue("FreeAccountFailures", 5),
            TimeSpan.FromSeconds(section.GetValue("LongestAccountWaitSeconds", 60.0)),
            TimeSpan.FromMinutes(section.GetValue("ForgetAccountFailuresAfterMinutes", 15.0)),
            section.GetValue("AddressFailures", 100),
            TimeSpan.FromMinutes(section.GetValue("AddressWindowMinutes", 15.0)));
    }

    /// <summary>How long the caller must wait before trying again, or null when it may try now.</summary>
    public static TimeSpan? WaitBefore(IEnumerable<LoginFailures?> records, DateTimeOffset now) =>
        records.Select(r => r?.BlockedUntil - now).Where(w => w > TimeSpan.Zero).Max();

    public LoginFailures AccountFailed(LoginFailures? record, string id, DateTimeOffset now)
    {
        var count = record is null || now - record.LastAt > ForgetAccountFailuresAfter ? 1 : record.Count + 1;
        var beyond = count - FreeAccountFailures;
        var wait = beyond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, beyond - 1), LongestAccountWait.TotalSeconds));
        return Failed(record, id, count, count == 1 ? now : record!.FirstAt, now, wait > TimeSpan.Zero ? now + wait : null);
    }

    public LoginFailures AddressFailed(LoginFailures? record, string id, DateTimeOffset now)
    {
        var fresh = record is null || now - record.FirstAt >= AddressWindow;
        var (count, first) = fresh ? (1, now) : (record!.Count + 1, record.FirstAt);
        return Failed(record, id, count, first, now, count >= AddressFailures ? first + AddressWindow : null);
    }

    private static LoginFailures Failed(LoginFailures? record, string id, int count, DateTimeOffset first, DateTimeOffset now, DateTimeOffset? blockedUntil)
    {
        var updated = record ?? new LoginFailures { Id = id };
        updated.Count = count;
        updated.FirstAt = first;
        updated.LastAt = now;
        updated.BlockedUntil = blockedUntil;
        return updated;
    }
}
