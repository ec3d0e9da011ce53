namespace Gateway.Features.Keys;

/// <summary>Configuration section <c>ApiKeys</c> (environment <c>ApiKeys__DefaultRequestsPerSecond</c> etc.).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The section's name.</summary>
    public const string Section = "ApiKeys";

    /// <summary>Rate of a key created without <c>requestsPerSecond</c>, and of the configured admin key.</summary>
    public int DefaultRequestsPerSecond { get; set; } = 200;

    /// <summary>Burst of a key created without <c>burst</c> or <c>requestsPerSecond</c>, and of the configured admin key.</summary>
    public int DefaultBurst { get; set; } = 400;

    /// <summary>
    /// How long a replica trusts a key it has checked before looking it up again (at most 5 s): a revoke through another
    /// replica takes this long to reach this one; through this replica it takes effect at once.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
