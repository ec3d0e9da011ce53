using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// The problem responses every endpoint of a service can answer, whatever it declares itself: 400 (a malformed body,
/// an unknown property, a NUL in the query string: <see cref="BadRequestExceptionHandler"/>, <c>SafeQueryString</c>),
/// 404 when the path names a resource, and 503 with <c>Retry-After</c> when the database or broker is unreachable
/// (<see cref="TransientFailureExceptionHandler"/>). An endpoint's own declaration of the same status wins.
/// </summary>
public static class ProblemResponses
{
    /// <summary>Media type of every error body.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>Adds the responses to every operation of <paramref name="document"/> that lacks them.</summary>
    public static async Task AddAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        if (document.Paths is null || document.Paths.Count == 0)
        {
            return;
        }

        var validation = await ReferenceAsync(document, context, typeof(HttpValidationProblemDetails), cancellationToken);
        var problem = await ReferenceAsync(document, context, typeof(ProblemDetails), cancellationToken);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var operation in (item.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>()).Values)
            {
                operation.Responses ??= [];
                Add(operation.Responses, StatusCodes.Status400BadRequest, "The request is malformed or invalid: the problem's errors name each bad field.", validation);
                if (path.Contains('{', StringComparison.Ordinal))
                {
                    Add(operation.Responses, StatusCodes.Status404NotFound, "Nothing is found under this path.", problem);
                }

                Add(operation.Responses, StatusCodes.Status503ServiceUnavailable, "The database or the broker is unreachable: retry after Retry-After seconds.", problem);
            }
        }
    }

    private static void Add(OpenApiResponses responses, int status, string description, IOpenApiSchema schema)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!responses.ContainsKey(key))
        {
            responses[key] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [ContentType] = new() { Schema = schema } },
            };
        }
    }

    /// <summary>A reference to the component schema of <paramref name="type"/>, added to the document when missing.</summary>
    private static async Task<IOpenApiSchema> ReferenceAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, Type type, CancellationToken cancellationToken)
    {
        var id = type.Name;
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }

        return new OpenApiSchemaReference(id, document);
    }
}
