namespace Gateway.Features.Marketing;

/// <summary>Marketer endpoints that save round trips: a campaign's design, progress and results in one call; the list with headlines.</summary>
public static class MarketingExtensions
{
    /// <summary>HTTP clients of Campaigns and Measurement.</summary>
    public static WebApplicationBuilder AddMarketing(this WebApplicationBuilder builder) => builder; // TODO(results stream)

    /// <summary><c>/marketing/v1/campaigns[/{id}]</c>.</summary>
    public static WebApplication MapMarketingApi(this WebApplication app) => app; // TODO(results stream)
}
