namespace Gateway.Features.ResultsPages;

/// <summary>The HTML page shown to a browser instead of a problem+json answer (404 unknown campaign, 400 bad id, 503).</summary>
public static class ErrorPage
{
    public static string Render(int status, string title) =>
        Html.Page(title, $"<main><h1>{Html.Encode(title)}</h1><p class=\"meta\" data-status=\"{status}\">Error {status}.</p><p><a href=\"/pages/campaigns\">All campaigns</a></p></main>");
}
