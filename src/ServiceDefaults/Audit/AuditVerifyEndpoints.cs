using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shop.ServiceDefaults.Audit.Chain;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Audit;

/// <summary>One verification of the service's event log, as kept for the operators' and auditors' view.</summary>
public sealed record AuditVerification(
    Guid Id,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? By,
    bool Valid,
    long Events,
    int Streams,
    int Checkpoints,
    int ProblemCount,
    ChainProblem? FirstProblem);

/// <summary>The latest verification of the service's event log, or null before the first.</summary>
public sealed record AuditStatus(AuditVerification? Latest);

public static class AuditVerifyEndpoints
{
    /// <summary>POST /admin/audit/verify checks the event log now (admins); GET /admin/audit shows the latest result (admins, auditors).</summary>
    public static IEndpointRouteBuilder MapAuditVerifyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/audit").WithMetadata(new OperationEndpointAttribute());
        group.MapPost("/verify", VerifyAsync).RequireAuthorization(ShopPolicies.Admin).WithName("verifyAuditTrail")
            .WithSummary("Verify the service's event log against its chain and signed checkpoints now, and keep the result.")
            .Produces<AuditVerification>();
        group.MapGet("/", LatestAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("getAuditStatus")
            .WithSummary("Read the latest verification of the service's event log.").Produces<AuditStatus>();
        return endpoints;
    }

    private static async Task<AuditVerification> VerifyAsync(ChainAudit audit, IDocumentStore store, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var report = await audit.VerifyAsync(ct);
        var verification = new AuditVerification(
            Guid.CreateVersion7(), started, clock.GetUtcNow(), user.UserId().ToString(),
            report.Valid, report.Events, report.Streams, report.Checkpoints, report.Problems.Count, report.FirstProblem);
        await using var session = store.LightweightSession();
        session.Store(verification);
        await session.SaveChangesAsync(ct);
        return verification;
    }

    private static async Task<AuditStatus> LatestAsync(IQuerySession session, CancellationToken ct) =>
        new(await session.Query<AuditVerification>().OrderByDescending(v => v.FinishedAt).FirstOrDefaultAsync(ct));
}
