using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Features.Marketing;

/// <summary>
/// A page of Campaigns' list with each launched campaign's headline from Measurement's side-by-side results (one call per
/// 20 campaigns, in parallel). The <c>next</c> link points at the route the marketer called.
/// </summary>
public sealed class CampaignListReader(MarketingClient client)
{
    /// <summary>Measurement compares at most this many campaigns in one call.</summary>
    public const int HeadlinesPerCall = 20;

    /// <summary>The query parameters handed on to Campaigns (which validates them: its 400 is the answer).</summary>
    public static readonly string[] Parameters = ["status", "after", "limit"];

    /// <summary>The page, or the problem to answer instead (Campaigns' 400 as it gave it, 503 when Campaigns failed).</summary>
    public async Task<(CampaignListPage? Page, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var query = request.Query.Where(q => Parameters.Contains(q.Key, StringComparer.Ordinal))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))).ToList();
        var list = await client.CampaignListAsync(query, ct);
        if (list.Failed || list.Body is null)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: list.Failure ?? $"Campaigns answered {list.Status}.",
                extensions: new Dictionary<string, object?> { ["service"] = MarketingClient.Campaigns }));
        }

        if (!list.IsOk)
        {
            return (null, TypedResults.Json(list.Body.Value, statusCode: list.Status, contentType: "application/problem+json"));
        }

        var campaigns = list.Body.Items("items").Select(c => (JsonElement?)c).ToList();
        var launched = campaigns.Where(c => c.Text("status") is not (null or "draft")).Select(c => Guid.TryParse(c.Text("id"), out var g) ? g : Guid.Empty)
            .Where(g => g != Guid.Empty).ToList();
        var problems = new List<PartProblem>();
        var headlines = await HeadlinesAsync(launched, problems, ct);
        var items = campaigns.Select(c =>
        {
            var design = c.Prop("design");
            var id = Guid.TryParse(c.Text("id"), out var g) ? g : Guid.Empty;
            return new CampaignListItem(id, design.Text("code"), design.Text("name"), design.Text("objective"), design.Text("kind"), c.Text("status"),
                c.Time("createdAt"), c.Time("launchedAt"), headlines.GetValueOrDefault(id));
        }).ToList();
        return (new CampaignListPage(items, NextLink(request, list.Body.Text("next")), problems), null);
    }

    /// <summary>
    /// Campaigns' next link carries the following cursor; the marketer's link is this route with that <c>after</c> (and the
    /// rest of the marketer's query as given).
    /// </summary>
    public static string? NextLink(HttpRequest request, string? campaignsNext)
    {
        if (campaignsNext is null)
        {
            return null;
        }

        var question = campaignsNext.IndexOf('?', StringComparison.Ordinal);
        var after = question < 0 ? null : QueryHelpers.ParseQuery(campaignsNext[question..]).GetValueOrDefault("after").FirstOrDefault();
        if (after is null)
        {
            return null;
        }

        var query = request.Query.Where(q => Parameters.Contains(q.Key, StringComparer.Ordinal) && q.Key != "after")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>("after", after));
        return QueryHelpers.AddQueryString(request.PathBase + request.Path, query);
    }

    private async Task<Dictionary<Guid, CampaignHeadlineView>> HeadlinesAsync(List<Guid> ids, List<PartProblem> problems, CancellationToken ct)
    {
        var calls = ids.Chunk(HeadlinesPerCall).Select(chunk => HeadlinesOfAsync(chunk.ToList(), ct)).ToList();
        var answers = await Task.WhenAll(calls);
        var result = new Dictionary<Guid, CampaignHeadlineView>();
        foreach (var (headlines, problem) in answers)
        {
            if (problem is not null)
            {
                problems.Add(problem);
            }

            foreach (var (id, headline) in headlines)
            {
                result[id] = headline;
            }
        }

        return result;
    }

    private async Task<(List<(Guid, CampaignHeadlineView)> Headlines, PartProblem? Problem)> HeadlinesOfAsync(List<Guid> ids, CancellationToken ct)
    {
        var answer = await client.HeadlinesAsync(ids, ct);
        if (answer.IsNotFound)
        {
            // Measurement learns of a launch from an event, so a campaign launched a moment ago may be unknown to it yet:
            // its 404 names the unknown ones; the others are asked again.
            var unknown = answer.Body.Items("campaigns").Select(e => e.TryGetGuid(out var g) ? g : Guid.Empty).ToHashSet();
            ids = ids.Where(id => !unknown.Contains(id)).ToList();
            if (ids.Count == 0 || unknown.Count == 0)
            {
                return ([], null);
            }

            answer = await client.HeadlinesAsync(ids, ct);
        }

        if (!answer.IsOk)
        {
            return ([], new PartProblem("headlines", MarketingClient.Measurement, answer.Status, answer.Failure ?? $"answered {answer.Status}"));
        }

        var headlines = new List<(Guid, CampaignHeadlineView)>();
        foreach (var headline in answer.Body.Items("campaigns"))
        {
            if (Guid.TryParse(((JsonElement?)headline).Prop("campaign").Text("id"), out var id))
            {
                headlines.Add((id, HeadlinePicker.Of(headline)));
            }
        }

        return (headlines, null);
    }
}
