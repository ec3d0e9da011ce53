namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// Endpoint metadata: the OpenAPI tag an endpoint is listed under, with the description the document gives the tag
/// (see <see cref="ServiceDocumentExtensions.WithApiTag{TBuilder}"/>). One endpoint per tag carrying it is enough.
/// </summary>
/// <param name="Name">The tag's name, e.g. <c>Customers</c>.</param>
/// <param name="Description">One or two sentences: what the operations under it are for.</param>
public sealed record ApiTag(string Name, string Description);
