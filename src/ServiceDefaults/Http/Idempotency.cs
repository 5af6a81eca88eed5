using System.Security.Claims;
using System.Security.Cryptography;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Http;

/// <summary>What a POST carrying an Idempotency-Key was first answered, kept to answer its repeats.</summary>
public sealed class IdempotentRequest
{
    public string Id { get; set; } = "";

    public string RequestHash { get; set; } = "";

    public bool Completed { get; set; }

    public int StatusCode { get; set; }

    public string? ContentType { get; set; }

    public string? Location { get; set; }

    public string? ETag { get; set; }

    public byte[] Body { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A repeated POST with the same <c>Idempotency-Key</c> (per caller) and the same body gets the first
/// answer again instead of a second effect; the same key with another body is a 422. The key is
/// claimed in the database before the request runs, so concurrent repeats wait their turn (409 with
/// Retry-After) instead of running twice. Server errors are not kept, so the client can retry.
/// A process that dies while running a request leaves its key claimed and unanswered; repeats then
/// get the 409 until the claim expires after <see cref="ClaimLifetime"/>.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(10);
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
        var claimed = await ClaimAsync(store, id, hash, context.RequestAborted);
        if (claimed is not null)
        {
            await AnswerRepeatAsync(context, claimed, hash);
            return;
        }

        await RunAndKeepAsync(context, store, id, hash, next);
    }

    /// <summary>Claims the key; returns the earlier request when someone already holds it.</summary>
    private static async Task<IdempotentRequest?> ClaimAsync(IDocumentStore store, string id, string hash, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var existing = await session.LoadAsync<IdempotentRequest>(id, ct);
        if (existing is not null && (existing.Completed || DateTimeOffset.UtcNow - existing.CreatedAt < ClaimLifetime))
        {
            return existing;
        }

        if (existing is not null)
        {
            session.Delete(existing);
        }

        session.Insert(new IdempotentRequest { Id = id, RequestHash = hash, CreatedAt = DateTimeOffset.UtcNow });
        try
        {
            await session.SaveChangesAsync(ct);
            return null;
        }
        catch (DocumentAlreadyExistsException)
        {
            await using var reread = store.QuerySession();
            return await reread.LoadAsync<IdempotentRequest>(id, ct);
        }
    }

    private static async Task AnswerRepeatAsync(HttpContext context, IdempotentRequest earlier, string hash)
    {
        if (earlier.RequestHash != hash)
        {
            await Results.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency key reused",
                detail: $"This {Header} was used for a different request.").ExecuteAsync(context);
            return;
        }

        if (!earlier.Completed)
        {
            context.Response.Headers.RetryAfter = "1";
            await Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Request in progress",
                detail: $"A request with this {Header} is still being processed; retry shortly.").ExecuteAsync(context);
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

        context.Response.Headers["Idempotent-Replayed"] = "true";
        await context.Response.Body.WriteAsync(earlier.Body, context.RequestAborted);
    }

    private static async Task RunAndKeepAsync(HttpContext context, IDocumentStore store, string id, string hash, RequestDelegate next)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            // Nothing is kept for a request that failed: the client may retry with the same key.
            await ReleaseAsync(store, id);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        await using var session = store.LightweightSession();
        if (context.Response.StatusCode >= 500 || buffer.Length > MaxStoredBody)
        {
            session.Delete<IdempotentRequest>(id);
        }
        else
        {
            session.Store(new IdempotentRequest
            {
                Id = id,
                RequestHash = hash,
                Completed = true,
                StatusCode = context.Response.StatusCode,
                ContentType = context.Response.ContentType,
                Location = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                ETag = context.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
                Body = buffer.ToArray(),
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }

        await session.SaveChangesAsync(CancellationToken.None);
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReleaseAsync(IDocumentStore store, string id)
    {
        await using var session = store.LightweightSession();
        session.Delete<IdempotentRequest>(id);
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
