namespace Gateway.Features.Marketing;

/// <summary>
/// A campaign's design, progress and results in one: Campaigns and Measurement are asked in parallel, and a service that
/// fails leaves its part null with a <see cref="PartProblem"/> instead of failing the whole answer.
/// </summary>
public sealed class CampaignOverviewReader(MarketingClient client)
{
    /// <summary>
    /// The overview, or the problem to answer instead: 404 when Campaigns does not know the campaign, 503 when no part
    /// could be read because a service failed (then it is unknown whether the campaign exists).
    /// </summary>
    public async Task<(CampaignOverview? Overview, IResult? Problem)> ReadAsync(Guid id, CancellationToken ct)
    {
        var campaignCall = client.CampaignAsync(id, ct);
        var resultsCall = client.ResultsAsync(id, ct);
        await Task.WhenAll(campaignCall, resultsCall);
        var (campaign, results) = (campaignCall.Result, resultsCall.Result);
        if (campaign.IsNotFound)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No campaign {id}."));
        }

        var problems = new List<PartProblem>();
        if (campaign.Failed || (!campaign.IsOk && campaign.Status is not null))
        {
            problems.Add(new PartProblem("design", MarketingClient.Campaigns, campaign.Status, campaign.Failure ?? $"answered {campaign.Status}"));
        }

        // Measurement's 404 is no problem: it learns of a campaign at launch, so a draft has no results yet.
        if (results.Failed || (!results.IsOk && !results.IsNotFound && results.Status is not null))
        {
            problems.Add(new PartProblem("results", MarketingClient.Measurement, results.Status, results.Failure ?? $"answered {results.Status}"));
        }

        var design = campaign.IsOk ? campaign.Body.Prop("design") : null;
        var figures = results.IsOk ? results.Body : null;
        if (design is null && figures is null && problems.Count > 0)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The campaign could not be read: " + string.Join("; ", problems.Select(p => p.Detail)),
                extensions: new Dictionary<string, object?> { ["problems"] = problems }));
        }

        return (new CampaignOverview(id, design, ProgressReader.Of(campaign.IsOk ? campaign.Body : null, figures), figures, problems), null);
    }
}
