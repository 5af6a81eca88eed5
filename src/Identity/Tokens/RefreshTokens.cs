using System.Security.Cryptography;
using System.Text;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.IdentityModel.Tokens;
using Shop.Identity.Users;

namespace Shop.Identity.Tokens;

/// <summary>
/// A refresh token as Identity keeps it: never the token itself, only its SHA-256. Every token a
/// log-in leads to shares the log-in's family; each is good for one use, which hands out its successor.
/// </summary>
public sealed class RefreshToken
{
    public required string Id { get; init; }

    public required Guid FamilyId { get; init; }

    public required Guid UserId { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }

    public static string NewValue() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string HashOf(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static RefreshToken For(string value, Guid familyId, Guid userId, DateTimeOffset now, TimeSpan lifetime) => new()
    {
        Id = HashOf(value),
        FamilyId = familyId,
        UserId = userId,
        IssuedAt = now,
        ExpiresAt = now + lifetime,
    };
}

/// <summary>What presenting a refresh token leads to.</summary>
public enum RefreshOutcome
{
    /// <summary>Good: it is spent, and its successor is issued.</summary>
    Rotate,

    /// <summary>Unknown, expired or revoked: refused.</summary>
    Refuse,

    /// <summary>Already spent: someone holds a copy, so the whole family is revoked.</summary>
    RevokeFamily,
}

public static class RefreshRules
{
    public static RefreshOutcome Decide(RefreshToken? token, DateTimeOffset now) => token switch
    {
        null => RefreshOutcome.Refuse,
        { UsedAt: not null } => RefreshOutcome.RevokeFamily,
        _ when token.ExpiresAt <= now => RefreshOutcome.Refuse,
        _ => RefreshOutcome.Rotate,
    };
}

/// <summary>
/// A password change, a deactivation or a forget signs the user out everywhere: their refresh tokens go in
/// the same transaction as the event, whichever command appended it (the API or the command line).
/// </summary>
public sealed class RefreshTokenRevocation : EventProjection
{
    public RefreshTokenRevocation()
    {
        IncludeType<PasswordChanged>();
        IncludeType<UserDeactivated>();
        IncludeType<UserForgotten>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is PasswordChanged or UserDeactivated or UserForgotten)
        {
            operations.DeleteWhere<RefreshToken>(t => t.UserId == e.StreamId);
        }

        return ValueTask.CompletedTask;
    }
}
