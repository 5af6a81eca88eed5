using System.Security.Claims;
using System.Security.Cryptography;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// A POST carrying an Idempotency-Key: claimed by the request running it, marked carried out in the
/// transaction that carries it out, and then completed with the answer kept for its repeats. Its
/// numeric revision is what lets only the current claimant carry it out.
/// </summary>
public sealed class IdempotentRequest : IRevisioned
{
    public string Id { get; set; } = "";

    public string RequestHash { get; set; } = "";

    /// <summary>Which run of the request holds the key.</summary>
    public Guid Claim { get; set; }

    /// <summary>The request's own transaction committed: running it again would repeat its effect.</summary>
    public bool CarriedOut { get; set; }

    public bool Completed { get; set; }

    public int Version { get; set; }

    public int StatusCode { get; set; }

    public string? ContentType { get; set; }

    public string? Location { get; set; }

    public string? ETag { get; set; }

    public string? ConsistencyToken { get; set; }

    public byte[] Body { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A repeated POST with the same <c>Idempotency-Key</c> (per caller) and the same body gets the first
/// answer again instead of a second effect; the same key with another body is a 422. The key is
/// claimed in the database before the request runs, so concurrent repeats wait their turn (409 with
/// Retry-After) instead of running twice. The request's own transaction marks the claim carried out
/// (<see cref="IdempotentEffects"/>), so after a crash the key tells whether the effect happened: a
/// claim left unanswered for <see cref="ClaimLifetime"/> is run again only if it was not carried
/// out, and otherwise answered 409 "carried out, answer lost". Server errors of a request that
/// changed nothing are not kept, so the client can retry.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(1);
    private const int MaxKeyLength = 255;
    private const int MaxStoredBody = 256 * 1024;

    public static WebApplication UseIdempotencyKeys(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var key = context.Request.Headers[Header].ToString();
            if (!HttpMethods.IsPost(context.Request.Method) || key.Length == 0)
            {
                await next(context);
                return;
            }

            await HandleAsync(context, key, next);
        });
        return app;
    }

    private static async Task HandleAsync(HttpContext context, string key, RequestDelegate next)
    {
        if (key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
        {
            await Results.ValidationProblem(new Dictionary<string, string[]> { [Header] = [$"{Header} must be 1 to {MaxKeyLength} visible ASCII characters."] })
                .ExecuteAsync(context);
            return;
        }

        var store = context.RequestServices.GetRequiredService<IDocumentStore>();
        var id = $"{CallerOf(context.User)}|{context.Request.Path}|{key}";
        var hash = await HashAsync(context.Request);
        var (earlier, claim) = await ClaimAsync(store, id, hash, context.RequestAborted);
        if (earlier is not null)
        {
            await AnswerRepeatAsync(context, earlier, hash);
            return;
        }

        await RunAndKeepAsync(context, store, claim!, next);
    }

    /// <summary>
    /// Claims the key, or takes over a claim that was left unanswered and not carried out; returns the
    /// earlier request instead when it holds the key still, was carried out, or was answered.
    /// </summary>
    private static async Task<(IdempotentRequest? Earlier, IdempotencyClaim? Claim)> ClaimAsync(IDocumentStore store, string id, string hash, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var existing = await session.LoadAsync<IdempotentRequest>(id, ct);
        if (existing is not null && (existing.Completed || existing.CarriedOut || !existing.IsStale()))
        {
            return (existing, null);
        }

        var claim = new IdempotencyClaim(id, hash, Guid.NewGuid(), (existing?.Version ?? 0) + 1);
        var request = new IdempotentRequest { Id = id, RequestHash = hash, Claim = claim.Token, CreatedAt = DateTimeOffset.UtcNow };
        if (existing is null)
        {
            session.Insert(request);
        }
        else
        {
            session.UpdateRevision(request, claim.Revision);
        }

        try
        {
            await session.SaveChangesAsync(ct);
            return (null, claim);
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or ConcurrencyException)
        {
            await using var reread = store.QuerySession();
            return (await reread.LoadAsync<IdempotentRequest>(id, ct), null);
        }
    }

    private static bool IsStale(this IdempotentRequest request) => DateTimeOffset.UtcNow - request.CreatedAt >= ClaimLifetime;

    private static async Task AnswerRepeatAsync(HttpContext context, IdempotentRequest earlier, string hash)
    {
        if (earlier.RequestHash != hash)
        {
            await Results.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency key reused",
                detail: $"This {Header} was used for a different request.",
                extensions: Problems.Code(ProblemCodes.IdempotencyKeyReused)).ExecuteAsync(context);
            return;
        }

        if (!earlier.Completed && earlier.CarriedOut && earlier.IsStale())
        {
            await Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Request carried out, answer lost",
                detail: $"The request with this {Header} was carried out, but the service stopped before it could keep the answer. Read the resource to see the outcome.",
                extensions: Problems.Code(ProblemCodes.IdempotencyAnswerLost)).ExecuteAsync(context);
            return;
        }

        if (!earlier.Completed)
        {
            context.Response.Headers.RetryAfter = "1";
            await Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Request in progress",
                detail: $"A request with this {Header} is still being processed; retry shortly.",
                extensions: Problems.Code(ProblemCodes.IdempotencyInProgress)).ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = earlier.StatusCode;
        context.Response.ContentType = earlier.ContentType;
        if (earlier.Location is not null)
        {
            context.Response.Headers.Location = earlier.Location;
        }

        if (earlier.ETag is not null)
        {
            context.Response.Headers.ETag = earlier.ETag;
        }

        if (earlier.ConsistencyToken is not null)
        {
            context.Response.Headers[ConsistencyTokens.Header] = earlier.ConsistencyToken;
        }

        context.Response.Headers["Idempotent-Replayed"] = "true";
        await context.Response.Body.WriteAsync(earlier.Body, context.RequestAborted);
    }

    private static async Task RunAndKeepAsync(HttpContext context, IDocumentStore store, IdempotencyClaim claim, RequestDelegate next)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        IdempotencyClaim.Current = claim;
        try
        {
            await next(context);
        }
        catch
        {
            // A request that failed before changing anything leaves no trace: the client may retry with the same key.
            await ReleaseUnlessCarriedOutAsync(store, claim);
            throw;
        }
        finally
        {
            IdempotencyClaim.Current = null;
            context.Response.Body = original;
        }

        if (context.Response.StatusCode >= 500 || buffer.Length > MaxStoredBody)
        {
            await ReleaseUnlessCarriedOutAsync(store, claim);
        }
        else
        {
            await using var session = store.LightweightSession();
            session.UpdateRevision(new IdempotentRequest
            {
                Id = claim.Id,
                RequestHash = claim.Hash,
                Claim = claim.Token,
                CarriedOut = claim.CarriedOut,
                Completed = true,
                StatusCode = context.Response.StatusCode,
                ContentType = context.Response.ContentType,
                Location = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                ETag = context.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
                ConsistencyToken = context.Response.Headers[ConsistencyTokens.Header].ToString() is { Length: > 0 } position ? position : null,
                Body = buffer.ToArray(),
                CreatedAt = DateTimeOffset.UtcNow,
            }, claim.Revision + 1);
            await session.SaveChangesAsync(CancellationToken.None);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReleaseUnlessCarriedOutAsync(IDocumentStore store, IdempotencyClaim claim)
    {
        if (claim.CarriedOut)
        {
            return;
        }

        await using var session = store.LightweightSession();
        session.Delete<IdempotentRequest>(claim.Id);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private static string CallerOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.UserId().ToString() : "anonymous";

    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(request.Body, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return Convert.ToHexString(hash);
    }
}
