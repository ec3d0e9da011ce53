namespace Gateway.Features.Access;

/// <summary>Endpoint metadata: the scope a key needs for this endpoint of the gateway's own (see <see cref="ScopeRequirementExtensions.RequireScope{TBuilder}"/>).</summary>
public sealed record ScopeRequirement(string Scope);
