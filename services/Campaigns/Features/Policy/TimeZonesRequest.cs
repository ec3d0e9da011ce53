namespace Campaigns.Features.Policy;

/// <summary>Time zones of <see cref="ContactPolicyRequest"/> (IANA ids).</summary>
public sealed record TimeZonesRequest
{
    /// <summary>For customers whose country and region name no zone (default UTC).</summary>
    public string? Default { get; init; }

    /// <summary>Per country code (e.g. <c>DE</c>).</summary>
    public IReadOnlyDictionary<string, string?>? Countries { get; init; }

    /// <summary>Per country and region (e.g. <c>US/CA</c>), before the country's.</summary>
    public IReadOnlyDictionary<string, string?>? Regions { get; init; }
}
