using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Shop.ServiceDefaults.OpenApi;

public static class OpenApiDefaults
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    public const string BearerScheme = "Bearer";

    /// <summary>One OpenAPI 3.1 document per service, with the conventions every Shop endpoint shares described once.</summary>
    public static IServiceCollection AddShopOpenApi(this IServiceCollection services, string service)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer(new ShopDocumentTransformer(service));
            options.AddOperationTransformer<ShopOperationTransformer>();
            options.AddSchemaTransformer<ShopSchemaTransformer>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapShopOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return endpoints;
    }
}
