using System.Text.Json.Serialization;

namespace Shop.ServiceDefaults.Security;

/// <summary>An OAuth 2.0 error answer (RFC 6749 §5.2): what OAuth clients read instead of a problem details body.</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

/// <summary>Marks an OAuth 2.0 endpoint: its 400 answers are <see cref="OAuthError"/> bodies.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class OAuthErrorsAttribute : Attribute;

/// <summary>The endpoint reads a form-encoded body of this shape itself (OAuth 2.0 requests are forms); the API description shows it.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class FormBodyAttribute(Type type) : Attribute
{
    public Type Type => type;
}
