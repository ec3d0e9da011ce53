namespace Gateway.Features.Access;

/// <summary>Marks the gateway's own endpoints with the scope they need; the key check reads it.</summary>
public static class ScopeRequirementExtensions
{
    /// <summary>Only keys holding <paramref name="scope"/> (one of <see cref="Scopes"/>) reach this endpoint.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ScopeRequirement(scope));

    /// <summary>Reachable without a key (the API document, health, the sign-in page).</summary>
    public static TBuilder AllowAnonymousKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ScopeRequirement(""));
}
