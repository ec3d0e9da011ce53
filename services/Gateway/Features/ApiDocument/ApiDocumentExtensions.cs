using System.Text.Json.Nodes;
using Gateway.Features.Access;
using Gateway.Features.Proxy;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Platform.ServiceDefaults.OpenApi;
using Scalar.AspNetCore;

namespace Gateway.Features.ApiDocument;

/// <summary>One OpenAPI document for the whole platform, merged from the services' documents, with a browsable UI.</summary>
public static class ApiDocumentExtensions
{
    /// <summary>Where the merged document is served.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Where the API browser (Scalar) is served.</summary>
    public const string BrowserPath = "/docs";

    /// <summary>Registers what merges the services' documents, and writes each own endpoint's scope into the gateway's own document.</summary>
    public static WebApplicationBuilder AddApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(MergedApiDocument.HttpClientName).AddHttpMessageHandler<HealthyInstanceHandler>(); // the default instance, or another while it is down
        builder.Services.AddSingleton<MergedApiDocument>();
        builder.Services.Configure<OpenApiOptions>(ServiceDocumentExtensions.DocumentName, o => o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ScopeRequirement>().LastOrDefault() is { } requirement)
            {
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
                operation.Extensions[ApiDocumentMerger.ScopeExtension] = new JsonNodeExtension(JsonValue.Create(requirement.Scope));
            }

            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// <c>GET /openapi/v1.json</c>: the merged document (no key needed); <c>/docs</c>: Scalar's API browser over it, its
    /// script served by the gateway itself (the package's bundled copy) and no web fonts, so it works without internet.
    /// </summary>
    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapGet(DocumentPath, async (MergedApiDocument document, CancellationToken ct) =>
                Results.Text(await document.GetJsonAsync(ct), "application/json"))
            .AllowAnonymousKey()
            .ExcludeFromDescription();
        app.MapScalarApiReference(BrowserPath, o => o
                .WithTitle("Database-marketing platform API")
                .WithOpenApiRoutePattern(DocumentPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .AddPreferredSecuritySchemes(ApiDocumentMerger.SecurityScheme))
            .AllowAnonymousKey();
        return app;
    }
}
