using System.Text.Json.Nodes;

namespace Gateway.Features.ApiDocument;

/// <summary>One document that goes into the merged one: a service's (or the gateway's own) <c>/openapi/v1.json</c>.</summary>
/// <param name="Name">The service's name, e.g. <c>Ingestion</c>, or <c>Gateway</c>: prefixes what collides.</param>
/// <param name="PathPrefix">What the gateway puts before the service's paths, e.g. <c>/ingestion</c>; empty for the gateway.</param>
/// <param name="Document">The document as the service served it.</param>
public sealed record ApiSource(string Name, string PathPrefix, JsonObject Document);
