using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Shop.ServiceDefaults.OpenApi;

/// <summary>
/// Names the document, lists its resources' tags, declares the bearer scheme and drops the server
/// address, so the document is the same wherever it is served.
/// </summary>
internal sealed class ShopDocumentTransformer(string service) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var title = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(service);
        document.Info = new OpenApiInfo
        {
            Title = $"Shop {title} API",
            Version = "1",
            Description = $"The HTTP API of Shop's {title} service. Errors are RFC 9457 problem details. " +
                "Send an access token from POST /api/auth/token as `Authorization: Bearer <token>`.",
        };
        document.Servers = [];
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags?.AsEnumerable() ?? []).Select(t => t.Name).ToHashSet();
        document.Tags = ApiTags.All.Where(t => used.Contains(t.Name)).Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }).ToHashSet();
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas?.Remove("IResult");
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [OpenApiDefaults.BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An ES256 access token issued by Identity (POST /api/auth/token), valid for 15 minutes.",
            },
        };
        return Task.CompletedTask;
    }
}
