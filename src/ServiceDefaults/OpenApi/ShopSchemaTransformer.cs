using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Privacy;

namespace Shop.ServiceDefaults.OpenApi;

/// <summary>
/// Money and other decimals are exact decimal numbers (so generated clients use a decimal type, not
/// a double), personal data is the text it reads as, and every problem details body documents its
/// machine-readable <c>code</c>.
/// </summary>
internal sealed class ShopSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly string CodeDescription =
        "What went wrong, for programs: one of the codes below (a later release may add codes; treat an unknown one by the status).\n\n" +
        string.Join("\n", ProblemCodes.All.Select(c => $"- `{c.Code}` ({c.Status}): {c.Meaning}"));

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(decimal))
        {
            schema.Format = "decimal";
        }
        else if (type == typeof(PersonalData))
        {
            schema.Type = JsonSchemaType.String;
            schema.Properties?.Clear();
            schema.Description = $"Personal data: \"{PersonalData.ErasedMark}\" once its owner has been forgotten.";
        }
        else if (type == typeof(ProblemDetails) || type == typeof(HttpValidationProblemDetails))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = CodeDescription };
        }

        return Task.CompletedTask;
    }
}
