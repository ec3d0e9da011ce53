namespace Platform.ServiceDefaults.Paging;

/// <summary>
/// One page of a list endpoint, the only list shape the platform answers with: <c>{ "items": [...], "next": "..." }</c>.
/// <see cref="Next"/> is the link to the following page (the same path and query with a new <c>after</c>), or null on
/// the last page.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
