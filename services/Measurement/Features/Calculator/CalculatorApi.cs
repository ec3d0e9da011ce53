using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Measurement.Features.Calculator;

/// <summary>
/// The statistics calculator for analysts, stateless (nothing is read or written): <c>POST /v1/stats/compare</c>,
/// <c>/v1/stats/power</c> and <c>/v1/stats/srm</c>. The same methods as the campaign results (Platform.Numerics.Statistics).
/// </summary>
public static class CalculatorApi
{
    public static IEndpointRouteBuilder MapCalculatorApi(this IEndpointRouteBuilder app)
    {
        var stats = app.MapGroup("/v1/stats").WithApiTag("Statistics calculator", "The statistics behind the results, for figures from anywhere: arm comparisons, power and sample-ratio mismatch.");
        stats.MapPost("/compare", Compare)
            .WithName("compareArms")
            .WithSummary("Compare treatment arms with a control from their sufficient statistics")
            .WithDescription("""
                Per arm give `units` and `conversions` (a rate) or `units`, `sum` and `sumOfSquares` (money per unit), the same kind
                as the control in every arm; optionally `covariateSum`, `covariateSumOfSquares` and `crossProducts` (Σx·y) of a
                pre-period covariate in every arm for CUPED. Each treatment arm is compared with the control: absolute lift
                (treatment − control) with a fixed-horizon interval (two-proportion z-test with pooled test and unpooled interval for
                rates; Welch's t-test with Welch–Satterthwaite df for means), relative lift (treatment / control − 1) with a
                delta-method interval on log(ratio), the statistic, df, two-sided p-value and Holm-adjusted p-value across the
                arms, and an always-valid interval and p-value (asymptotic confidence sequence of Waudby-Smith et al., tightest near
                `sequentialTuning` units) that stay valid however often the results are looked at. With the covariate, the
                CUPED-adjusted comparison (θ = pooled within-arm cov(x, y) / var(x)) is given beside the unadjusted one.
                """)
            .Produces<CompareResponse>()
            .ProducesValidationProblem();
        stats.MapPost("/power", PowerAnalysis)
            .WithName("powerAnalysis")
            .WithSummary("Minimum detectable lift for given group sizes, or units per arm for a given lift")
            .WithDescription("""
                `metric` rate (with `baseline`, the control's rate) or mean (with `standardDeviation`, and optionally `baseline`, the
                control's mean, for a relative answer). Give `controlSize` and `treatedSize` for the minimum detectable ABSOLUTE lift,
                or `lift` (absolute) for the units needed per arm (equal arms). Two-sided test at `alpha` (default 0.05) with
                `power` (default 0.8).
                """)
            .Produces<PowerResponse>()
            .ProducesValidationProblem();
        stats.MapPost("/srm", SampleRatioMismatch)
            .WithName("sampleRatioMismatch")
            .WithSummary("Sample-ratio mismatch: chi-square test of observed group sizes against designed shares")
            .WithDescription("`observed` units per group and the designed `shares` (any positive weights, normalized); flagged when p < 0.001.")
            .Produces<SrmResponse>()
            .ProducesValidationProblem();
        return app;
    }

    private static IResult Compare(CompareRequest? request)
    {
        var errors = new ValidationErrors();
        return CompareRequest.Validate(request, errors) is { } input ? TypedResults.Ok(StatsCalculator.Compare(input)) : errors.ToProblem();
    }

    private static IResult PowerAnalysis(PowerRequest? request)
    {
        var errors = new ValidationErrors();
        return PowerRequest.Validate(request, errors) is { } input ? TypedResults.Ok(StatsCalculator.Power(input)) : errors.ToProblem();
    }

    private static IResult SampleRatioMismatch(SrmRequest? request)
    {
        var errors = new ValidationErrors();
        return SrmRequest.Validate(request, errors) is { } input ? TypedResults.Ok(StatsCalculator.SampleRatioMismatch(input.Observed, input.Shares)) : errors.ToProblem();
    }
}
