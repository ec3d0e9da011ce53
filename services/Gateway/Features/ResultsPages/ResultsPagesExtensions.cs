namespace Gateway.Features.ResultsPages;

/// <summary>Self-contained HTML results pages for marketers (no external assets).</summary>
public static class ResultsPagesExtensions
{
    /// <summary><c>/pages/campaigns</c> (index) and <c>/pages/campaigns/{id}</c>.</summary>
    public static WebApplication MapResultsPages(this WebApplication app) => app; // TODO(results stream)
}
