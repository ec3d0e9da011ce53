namespace Gateway.Features.Access;

/// <summary>What a request needs, decided by <see cref="AccessRules.For"/> from its method and path.</summary>
/// <param name="Kind">Anonymous, a scope, or the matched endpoint's <see cref="ScopeRequirement"/>.</param>
/// <param name="Scope">The scope a key needs (for <see cref="RouteAccessKind.Scope"/>).</param>
/// <param name="ServiceAdmin">
/// A service's operator endpoint (<c>/{service}/admin/**</c>): forwarded with the gateway's own admin key in place of the client's.
/// </param>
public sealed record RouteAccess(RouteAccessKind Kind, string? Scope = null, bool ServiceAdmin = false)
{
    /// <summary>No key needed (health, API documents, sign-in).</summary>
    public static readonly RouteAccess Anonymous = new(RouteAccessKind.Anonymous);

    /// <summary>The gateway's own endpoint decides (its <see cref="ScopeRequirement"/> metadata).</summary>
    public static readonly RouteAccess ByEndpoint = new(RouteAccessKind.ByEndpoint);

    /// <summary>A key holding <paramref name="scope"/>.</summary>
    public static RouteAccess Needs(string scope, bool serviceAdmin = false) => new(RouteAccessKind.Scope, scope, serviceAdmin);
}
