using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Platform.ServiceDefaults.Json;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// How every service describes itself at <c>/openapi/v1.json</c>: operation ids and summaries are declared by hand
/// where each endpoint is mapped (<c>.WithName("createCustomer").WithSummary(...)</c>); what every endpoint has in
/// common is added here, once: the problem responses it can answer and the descriptions of its tags.
/// </summary>
public static class ServiceDocumentExtensions
{
    /// <summary>The OpenAPI document every service serves (its name in <c>/openapi/{name}.json</c>).</summary>
    public const string DocumentName = "v1";

    /// <summary>Registers the service's OpenAPI document with the platform's transformers.</summary>
    public static IServiceCollection AddServiceDocument(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddSchemaTransformer(StrictJson.DescribeStrings);
            o.AddDocumentTransformer(ProblemResponses.AddAsync);
            o.AddDocumentTransformer(DescribeTags);
        });

    /// <summary>Lists the endpoint under tag <paramref name="name"/>, which the document describes with <paramref name="description"/>.</summary>
    public static TBuilder WithApiTag<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new ApiTag(name, description));

    /// <summary>The document's tag list: every tag an operation uses, with the description its endpoints declared.</summary>
    private static Task DescribeTags(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var descriptions = context.DescriptionGroups
            .SelectMany(g => g.Items)
            .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<ApiTag>())
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Description, StringComparer.Ordinal);
        var used = (document.Paths ?? [])
            .SelectMany(p => p.Value.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>())
            .SelectMany(o => o.Value.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(
            used.Select(name => new OpenApiTag { Name = name, Description = descriptions.GetValueOrDefault(name) }));
        return Task.CompletedTask;
    }
}
