using System.Text.Json;
using Segmentation.Features.Scoring;

namespace Segmentation.Features.Models;

/// <summary>What a fitted model says of one customer. Spend and CLV are null when nothing is known of the customer's spend.</summary>
public readonly record struct ModelScore(double ProbabilityAlive, double ExpectedPurchases, double? ExpectedSpend, double? ClvRevenue);

/// <summary>
/// A stored fit ready to score customers as of a date: P(alive), expected purchases over the CLV horizon, expected
/// average spend (Gamma-Gamma; the customer's own repeat average when the fit has none) and the discounted expected
/// revenue over the horizon, in monthly steps. Scoring multiplies that revenue by the customer's margin rate to get CLV.
/// </summary>
public sealed class StoredModel(BgNbdParameters bgNbd, GammaGammaParameters? gammaGamma, double unitDays)
{
    private const double DaysPerYear = 365.25;
    private const double DaysPerMonth = DaysPerYear / 12;

    /// <summary>Reads a fit as stored in <c>model_fits</c>.</summary>
    public static StoredModel From(string timeUnit, string bgNbdJson, string? gammaGammaJson)
    {
        var bg = JsonSerializer.Deserialize<BgNbdResult>(bgNbdJson, ScoringJson.Options) ?? throw new JsonException("empty BG/NBD fit");
        var gg = gammaGammaJson is null ? null : JsonSerializer.Deserialize<GammaGammaResult>(gammaGammaJson, ScoringJson.Options);
        var bgNbd = new BgNbdParameters(bg.R, bg.Alpha, bg.A, bg.B);
        bgNbd.Validate();
        GammaGammaParameters? gammaGamma = gg is null ? null : new GammaGammaParameters(gg.P, gg.Q, gg.Gamma);
        gammaGamma?.Validate();
        return new StoredModel(bgNbd, gammaGamma, PurchaseHistories.UnitDays(timeUnit));
    }

    /// <summary>Scores one customer (history in this fit's time unit) with the run's horizon and discount rate.</summary>
    public ModelScore Score(PurchaseHistory history, ScoringSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var horizon = settings.ClvHorizonDays / unitDays;
        var alive = BgNbd.ProbabilityAlive(bgNbd, history);
        var expected = BgNbd.ExpectedPurchases(bgNbd, history, horizon);
        double? spend = gammaGamma is { } gg ? GammaGamma.ExpectedAverageSpend(gg, history)
            : history.HasRepeatSpend ? history.AverageRepeatSpend : null;
        if (spend is not { } s)
        {
            return new ModelScore(alive, expected, null, null);
        }

        // Monthly periods over the horizon, each discounted at the annual rate for its share of a year.
        var steps = Math.Max(1, (int)Math.Round(settings.ClvHorizonDays / DaysPerMonth));
        var stepDays = (double)settings.ClvHorizonDays / steps;
        var ratePerStep = Math.Pow(1 + settings.AnnualDiscountRate, stepDays / DaysPerYear) - 1;
        var revenue = CustomerLifetimeValue.DiscountedPurchases(bgNbd, history, steps, stepDays / unitDays, ratePerStep) * s;
        return new ModelScore(alive, expected, s, revenue);
    }
}
