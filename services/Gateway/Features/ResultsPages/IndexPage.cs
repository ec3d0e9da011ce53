using System.Text;
using Gateway.Features.Marketing;

namespace Gateway.Features.ResultsPages;

/// <summary>
/// The index of campaigns: each with its status, best cell's response lift, ROI and the test's health, linking to its
/// page. Figures carry <c>data-campaign</c> and a JSON pointer into that campaign's item of <c>/marketing/v1/campaigns</c>.
/// </summary>
public static class IndexPage
{
    public static string Render(CampaignListPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var body = new StringBuilder("<main><h1>Campaigns</h1><p class=\"meta\">Newest first. Lift: the best cell's response rate against control; ROI of that cell; intervals at the results' confidence level.</p>");
        foreach (var problem in page.Problems)
        {
            body.Append("<div class=\"card warn\" data-problem=\"").Append(Html.Encode(problem.Part)).Append("\">")
                .Append(Html.Encode($"The {problem.Part} could not be read from {problem.Service}: {problem.Detail}")).Append("</div>");
        }

        body.Append("<table data-table=\"campaigns\"><tr><th>Campaign</th><th>Objective</th><th>Status</th><th>Best cell</th><th>Response lift (interval)</th><th>ROI (interval)</th><th>Health</th></tr>");
        foreach (var item in page.Items)
        {
            var id = item.Id.ToString("D");
            var headline = item.Headline;
            body.Append("<tr data-campaign=\"").Append(id).Append("\"><td><a href=\"/pages/campaigns/").Append(id).Append("\">")
                .Append(Html.Encode(item.Name ?? id)).Append("</a><br><span class=\"note\">").Append(Html.Encode(item.Code)).Append("</span></td>")
                .Append("<td>").Append(Html.Encode(item.Objective?.Replace('_', ' '))).Append("</td>")
                .Append("<td>").Append(Html.Encode(item.Status)).Append("</td>");
            if (headline is null)
            {
                body.Append("<td colspan=\"4\" class=\"note\">").Append(item.Status == "draft" ? "not launched yet" : "no results yet").Append("</td></tr>");
                continue;
            }

            var lift = JsonAt.Root(headline.ResponseLift, "/headline/responseLift");
            var roi = JsonAt.Root(headline.Roi, "/headline/roi");
            var cell = headline.BestCell ?? "";
            body.Append("<td>").Append(Html.Encode(headline.BestCell ?? NumberFormat.None)).Append("</td>")
                .Append("<td>").Append(Html.Figure(lift["absolute"], cell, "response-lift", NumberFormat.Points)).Append(' ')
                .Append(Html.Interval(lift["absoluteInterval"], cell, "response-lift", NumberFormat.Points)).Append("</td>")
                .Append("<td>").Append(Html.Estimate(roi, cell, "roi", NumberFormat.Percent)).Append("</td>");
            var problems = new List<string>();
            if (headline.SampleRatioMismatch)
            {
                problems.Add($"sample-ratio mismatch (p = {NumberFormat.PValue(headline.SampleRatioPValue)})");
            }

            if (headline.ControlContacted)
            {
                problems.Add("control members were contacted");
            }

            body.Append("<td data-health=\"").Append(problems.Count == 0 ? "healthy" : "warning").Append("\">")
                .Append(Html.Encode(problems.Count == 0 ? "Healthy" : "Warning: " + string.Join("; ", problems))).Append("</td></tr>");
        }

        body.Append("</table>");
        if (page.Items.Count == 0)
        {
            body.Append("<p>No campaigns yet.</p>");
        }

        if (page.Next is not null)
        {
            body.Append("<p><a rel=\"next\" href=\"").Append(Html.Encode(page.Next)).Append("\">Next page</a></p>");
        }

        return Html.Page("Campaigns", body.Append("</main>").ToString());
    }
}
