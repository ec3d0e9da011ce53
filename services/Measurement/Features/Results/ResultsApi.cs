using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Measurement.Features.Results;

/// <summary>
/// Results read from the maintained statistics: a campaign's results (JSON and CSV), several campaigns side by side, and
/// the global control's platform-wide comparison.
/// </summary>
public static class ResultsApi
{
    /// <summary>At most this many campaigns side by side.</summary>
    public const int MaxCampaigns = 20;

    private const string OptionsDescription = """
        Options: `confidence` (0.5–0.999, default 0.95) for every interval; `sequentialTuning` (N*: the number of members,
        both arms together, at which the always-valid confidence sequences are tightest; default 5000). A bad or unknown parameter is a 400
        naming it.
        """;

    public static IServiceCollection AddResults(this IServiceCollection services) => services.AddSingleton<ResultsReader>();

    public static IEndpointRouteBuilder MapResultsApi(this IEndpointRouteBuilder app)
    {
        var results = app.MapGroup("/v1").WithApiTag("Results", "What each campaign earned: rates, lifts against control with intervals, money, the test's health and the quality of what it acquired.");
        results.MapGet("/campaigns/{campaignId}/results", GetAsync)
            .WithName("getCampaignResults")
            .WithSummary("A campaign's results: cells, lifts against control, money, health of the test, quality of what it acquired or kept")
            .WithDescription("""
                Every figure comes with its interval and names its method. Per cell (control first; the campaign's global-control
                members apart, never compared): counts, rates with Wilson intervals, money per assigned member (intent to treat)
                and a labelled per-contacted reference view; by wave, value tier and channel step. Lifts of each cell against
                control (z-test for rates, Welch for money; relative by the delta method on the log ratio; Holm across cells per
                metric; CUPED beside; always-valid intervals beside the fixed ones). Money: costs as recorded, increments with
                intervals, ROI and costs per incremental response/acquisition. Health: sample-ratio mismatch, contacts to control
                members, detectable lifts. Quality: the acquired cohort (acquisition) or the share still buying after 90 days
                (retention, win_back).
                """ + OptionsDescription + """
                 `winsorize` (0.5–0.9999): revenue per member is also compared capped at that percentile of all the campaign's
                members (metric revenuePerCustomerWinsorized; the tail above the cap is read from the members, the rest comes from the statistics).
                """)
            .Produces<CampaignResults>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        results.MapGet("/campaigns/{campaignId}/results.csv", GetCsvAsync)
            .WithName("getCampaignResultsCsv")
            .WithSummary("A campaign's results as CSV: one row per (cell, metric) with estimate, interval, p-values and method")
            .WithDescription("Columns: cell, metric, estimate, lower, upper, p_value, holm_p_value, method (RFC 4180, UTF-8). The same figures as the JSON answer; an empty cell is a value that is undefined or unbounded. " + OptionsDescription)
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        results.MapGet("/results", CompareAsync)
            .WithName("compareCampaignResults")
            .WithSummary("Several campaigns side by side: per cell response lift, conversion lift, revenue lift, incremental profit, ROI, and health flags")
            .WithDescription($"Name each campaign with `campaign={{id}}` (1 to {MaxCampaigns}, repeated). An unknown campaign is a 404 naming it. " + OptionsDescription)
            .Produces<ResultsComparison>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        results.MapGet("/global-control/results", GetGlobalControlAsync)
            .WithName("getGlobalControlResults")
            .WithSummary("The platform-wide effect of all marketing: targeted customers outside the global control against those inside it")
            .WithDescription("Buyer rate and revenue per customer since first targeted, lifts with intervals (fixed and always-valid), CUPED beside. " + OptionsDescription)
            .Produces<GlobalControlResults>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> GetAsync(string campaignId, HttpRequest request, ResultsReader reader, CancellationToken ct)
    {
        var (results, problem) = await ComputeAsync(campaignId, request, reader, ct);
        return results is not null ? TypedResults.Ok(results) : problem!;
    }

    private static async Task<IResult> GetCsvAsync(string campaignId, HttpRequest request, ResultsReader reader, CancellationToken ct)
    {
        var (results, problem) = await ComputeAsync(campaignId, request, reader, ct);
        if (results is null)
        {
            return problem!;
        }

        var text = new StringWriter();
        await ResultsCsv.WriteAsync(text, ResultsCsv.Rows(results), ct);
        return TypedResults.Text(text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<(CampaignResults? Results, IResult? Problem)> ComputeAsync(string campaignId, HttpRequest request, ResultsReader reader, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var id = ParseId(campaignId, "id", errors);
        var query = ResultsQuery.Parse(request.Query, allowWinsorize: true, errors);
        if (errors.HasErrors || query is null)
        {
            return (null, errors.ToProblem());
        }

        var input = await reader.ReadAsync(id, query, withCohort: true, ct);
        return input is null ? (null, NotFound([id])) : (ResultsCalculator.Compute(input, query), null);
    }

    private static async Task<IResult> CompareAsync(HttpRequest request, ResultsReader reader, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var query = ResultsQuery.Parse(request.Query, allowWinsorize: false, errors, "campaign");
        var given = request.Query["campaign"];
        var ids = new List<Guid>();
        if (given.Count == 0)
        {
            errors.Add("campaign", "is required: name each campaign with campaign={id}");
        }
        else if (given.Count > MaxCampaigns)
        {
            errors.Add("campaign", $"must name at most {MaxCampaigns} campaigns");
        }
        else
        {
            foreach (var value in given)
            {
                var id = ParseId(value, "campaign", errors);
                if (!ids.Contains(id) && id != Guid.Empty)
                {
                    ids.Add(id);
                }
            }
        }

        if (errors.HasErrors || query is null)
        {
            return errors.ToProblem();
        }

        var (found, unknown) = await reader.ReadManyAsync(ids, query, ct);
        if (unknown.Count > 0)
        {
            return NotFound(unknown);
        }

        var now = found.Count > 0 ? found[0].Now : time.GetUtcNow();
        var headlines = found.Select(input => CampaignHeadline.Of(ResultsCalculator.Compute(input, query))).ToList();
        return TypedResults.Ok(new ResultsComparison(now, new ResultsSettings(query.Confidence, query.SequentialTuning, ResultsQuery.Power, null, null, null), headlines));
    }

    private static async Task<IResult> GetGlobalControlAsync(HttpRequest request, ResultsReader reader, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (ResultsQuery.Parse(request.Query, allowWinsorize: false, errors) is not { } query)
        {
            return errors.ToProblem();
        }

        var rows = await reader.ReadGlobalControlAsync(ct);
        return TypedResults.Ok(GlobalControlCalculator.Compute(rows, query, time.GetUtcNow()));
    }

    private static Guid ParseId(string? text, string field, ValidationErrors errors)
    {
        if (Guid.TryParseExact(text, "D", out var id) && id != Guid.Empty)
        {
            return id;
        }

        errors.Add(field, $"'{text}' is not a campaign id (a UUID such as 0190a5b4-7c1e-7000-8000-000000000000)");
        return Guid.Empty;
    }

    private static ProblemHttpResult NotFound(List<Guid> ids) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
            title: ids.Count == 1 ? $"No campaign {ids[0]}." : $"No campaigns {string.Join(", ", ids)}.",
            extensions: new Dictionary<string, object?> { ["campaigns"] = ids });
}
