using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.OpenApi;

/// <summary>What an endpoint's route, method and authorization metadata say about the answers it can give.</summary>
internal sealed record EndpointShape(
    string Method, string Path, bool Anonymous, IReadOnlyList<string> Policies, bool HasInput, bool HasBody, IReadOnlyList<int> DeclaredProblems, bool IsOperation, bool ReadsOwnWrites, bool OAuthErrors, bool Deprecated)
{
    public static EndpointShape Of(ApiDescription description)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        var readsForm = FormBody(metadata) is not null;
        return new EndpointShape(
            description.HttpMethod ?? HttpMethods.Get,
            "/" + (description.RelativePath ?? "").TrimStart('/'),
            metadata.OfType<IAllowAnonymous>().Any(),
            policies,
            description.ParameterDescriptions.Count > 0 || readsForm,
            description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body) || readsForm,
            metadata.OfType<ProducesResponseTypeAttribute>().Select(p => p.StatusCode).Where(s => s >= 400).ToList(),
            metadata.OfType<OperationEndpointAttribute>().Any(),
            metadata.OfType<ReadsOwnWritesAttribute>().Any(),
            metadata.OfType<OAuthErrorsAttribute>().Any(),
            metadata.OfType<ObsoleteAttribute>().Any());
    }

    /// <summary>The shape of the form an endpoint reads itself, when it does.</summary>
    public static Type? FormBody(IList<object> metadata) => metadata.OfType<FormBodyAttribute>().FirstOrDefault()?.Type;

    private bool IsRead => Method == HttpMethods.Get;

    private bool HasRouteValues => Path.Contains('{', StringComparison.Ordinal);

    /// <summary>A change to a resource that exists already, named in the path: it may carry If-Match.</summary>
    public bool WritesExisting => Writes && HasRouteValues;

    /// <summary>A POST that creates or changes something: a repeat with the same Idempotency-Key has no second effect.</summary>
    public bool Idempotent => Method == HttpMethods.Post && !IsOperation;

    /// <summary>A read of one resource by id (not its history or past state).</summary>
    public bool ReadsOne => IsRead && Path.EndsWith("{id}", StringComparison.Ordinal);

    /// <summary>A change that appends events: its answer carries a consistency token.</summary>
    public bool Writes => !IsRead && !IsOperation;

    public bool CarriesVersion => ReadsOne || Writes;

    public string Tag => ApiTags.For(Path);

    public string AccessDescription => (Anonymous, Policies) switch
    {
        (true, _) => "Anonymous: no token needed.",
        (_, [ShopPolicies.Admin]) => "Requires a bearer token with the `admin` role.",
        (_, [ShopPolicies.AdminOrAuditor]) => "Requires a bearer token with the `admin` or `auditor` role.",
        (_, []) => "Requires a bearer token. Resources of other customers answer 404; admins and auditors may read them.",
        _ => $"Requires a bearer token satisfying: {string.Join(", ", Policies)}.",
    };

    /// <summary>The problem answers this endpoint can give, with what each means here.</summary>
    public IEnumerable<(int Status, string Description)> Problems()
    {
        if (OAuthErrors)
        {
            yield return (StatusCodes.Status400BadRequest, "An OAuth 2.0 error (RFC 6749 §5.2): `error` is invalid_request, invalid_grant or unsupported_grant_type, and `error_description` says why.");
        }
        else if (HasInput || ReadsOwnWrites)
        {
            yield return (StatusCodes.Status400BadRequest, "The request is invalid; `errors` names each field and what is wrong with it.");
        }

        if (!Anonymous)
        {
            yield return (StatusCodes.Status401Unauthorized, "No valid access token.");
        }

        if (Policies.Count > 0 || DeclaredProblems.Contains(StatusCodes.Status403Forbidden))
        {
            yield return (StatusCodes.Status403Forbidden, "The token's roles do not allow this.");
        }

        if (HasRouteValues || DeclaredProblems.Contains(StatusCodes.Status404NotFound))
        {
            yield return (StatusCodes.Status404NotFound, "Not found, or not the caller's to see.");
        }

        if (Writes)
        {
            yield return (StatusCodes.Status409Conflict, "The change conflicts with the resource's current state: a business rule, a concurrent change, or the same Idempotency-Key still in progress.");
        }

        if (WritesExisting)
        {
            yield return (StatusCodes.Status412PreconditionFailed, "If-Match names a version that is no longer current; nothing was changed.");
        }

        if (HasBody)
        {
            yield return (StatusCodes.Status413PayloadTooLarge, "The body is larger than the service accepts (64 KiB by default).");
        }

        if (Idempotent)
        {
            yield return (StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was already used for a different request.");
        }

        yield return (StatusCodes.Status429TooManyRequests, OAuthErrors
            ? "Too many requests or failed log-ins (per account and per address); retry after the Retry-After header's seconds."
            : "Rate limited at the gateway; retry after the Retry-After header's seconds.");
        yield return (StatusCodes.Status503ServiceUnavailable, "A service this request needs is unavailable; retry later.");
    }
}
