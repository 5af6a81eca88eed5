using System.Net.Mail;

namespace Shop.Identity.Credentials;

/// <summary>What an e-mail address, a password and a display name must look like.</summary>
public static class CredentialRules
{
    public const int MinPasswordLength = 12;

    // Long enough for passphrases (ASVS asks for at least 64), short enough that hashing stays cheap.
    public const int MaxPasswordLength = 128;
    public const int MaxDisplayNameLength = 100;
    private const int MaxEmailLength = 254;

    public static string? EmailProblem(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "E-mail is required.";
        }

        var trimmed = email.Trim();
        return trimmed.Length <= MaxEmailLength
               && MailAddress.TryCreate(trimmed, out var address)
               && address.Address == trimmed
               && address.Host.Contains('.', StringComparison.Ordinal)
            ? null
            : "E-mail must be an address like name@example.com.";
    }

    public static string? PasswordProblem(string? password) => password switch
    {
        null or "" => "Password is required.",
        { Length: < MinPasswordLength } => $"Password must have at least {MinPasswordLength} characters.",
        { Length: > MaxPasswordLength } => $"Password must have at most {MaxPasswordLength} characters.",
        _ => null,
    };

    public static string? DisplayNameProblem(string? displayName) => displayName?.Trim() switch
    {
        null or "" => "Display name is required.",
        { Length: > MaxDisplayNameLength } => $"Display name must have at most {MaxDisplayNameLength} characters.",
        var name when name.Any(char.IsControl) => "Display name must not contain control characters.",
        _ => null,
    };
}
