using System.Text;
using Gateway.Features.Access;
using Gateway.Features.Marketing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Features.ResultsPages;

/// <summary>Self-contained HTML results pages for marketers (no external assets).</summary>
public static class ResultsPagesExtensions
{
    /// <summary>
    /// <c>/pages/campaigns</c> (index) and <c>/pages/campaigns/{id}</c>. Each page costs what the marketer endpoints cost
    /// (one list and one side-by-side call for a page of campaigns; one design and one results call for a campaign), plus
    /// rendering: no per-member work. Errors are problem+json, or an HTML page for a browser (Accept: text/html).
    /// </summary>
    public static WebApplication MapResultsPages(this WebApplication app)
    {
        var pages = app.MapGroup("/pages/campaigns").WithTags("Results pages").RequireScope(Scopes.Marketer);
        pages.MapGet("/", IndexAsync)
            .WithName("CampaignsPage")
            .WithSummary("HTML: the campaigns with their headline lift, ROI and health, each linking to its results page")
            .Produces<string>(StatusCodes.Status200OK, "text/html");
        pages.MapGet("/{campaignId}", CampaignAsync)
            .WithName("CampaignResultsPage")
            .WithSummary("HTML: a campaign's results page (charts drawn in inline SVG, no external assets)")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> IndexAsync(HttpContext http, CampaignListReader reader, CancellationToken ct)
    {
        var (page, problem) = await reader.ReadAsync(http.Request, ct);
        return page is not null ? HtmlResult(http, IndexPage.Render(page)) : ErrorFor(http, problem!);
    }

    private static async Task<IResult> CampaignAsync(string campaignId, HttpContext http, CampaignOverviewReader reader, CancellationToken ct)
    {
        if (!MarketingExtensions.TryParseId(campaignId, out var id, out var bad))
        {
            return ErrorFor(http, bad!);
        }

        var (overview, problem) = await reader.ReadAsync(id, ct);
        return overview is not null ? HtmlResult(http, CampaignPage.Render(overview)) : ErrorFor(http, problem!);
    }

    private static ContentHttpResult HtmlResult(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.ContentSecurityPolicy = Html.ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store"; // results change as outcomes arrive
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A browser gets an HTML page with the problem's status and title; any other client the problem+json itself.</summary>
    private static IResult ErrorFor(HttpContext http, IResult problem)
    {
        var accepts = http.Request.GetTypedHeaders().Accept;
        if (!accepts.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)))
        {
            return problem;
        }

        var (status, title) = problem switch
        {
            ProblemHttpResult p => (p.StatusCode, p.ProblemDetails.Title ?? "Error"),
            ValidationProblem v => (v.StatusCode, string.Join(" ", v.ProblemDetails.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key} {m}")))),
            IStatusCodeHttpResult s => (s.StatusCode ?? 500, "The request failed."),
            _ => (500, "The request failed."),
        };
        return HtmlResult(http, ErrorPage.Render(status, title), status);
    }
}
