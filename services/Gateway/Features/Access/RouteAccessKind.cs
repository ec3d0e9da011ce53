namespace Gateway.Features.Access;

/// <summary>How the key check decides a request (see <see cref="RouteAccess"/>).</summary>
public enum RouteAccessKind
{
    /// <summary>No key needed.</summary>
    Anonymous,

    /// <summary>A key holding <see cref="RouteAccess.Scope"/>.</summary>
    Scope,

    /// <summary>The matched endpoint's <see cref="ScopeRequirement"/>; without one a key with scope admin; no endpoint at all: any valid key (then 404).</summary>
    ByEndpoint,
}
