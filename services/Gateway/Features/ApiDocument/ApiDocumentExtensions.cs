namespace Gateway.Features.ApiDocument;

/// <summary>One OpenAPI document for the whole platform, merged from the services' documents, with a browsable UI.</summary>
public static class ApiDocumentExtensions
{
    /// <summary>Registers what merges the services' documents.</summary>
    public static WebApplicationBuilder AddApiDocument(this WebApplicationBuilder builder) => builder; // TODO(api document stream)

    /// <summary>The merged document and its UI.</summary>
    public static WebApplication MapApiDocument(this WebApplication app) => app; // TODO(api document stream)
}
