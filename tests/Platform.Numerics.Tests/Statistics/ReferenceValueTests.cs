using System.Text.Json;
using Platform.Numerics.Statistics;
using static Platform.Numerics.Tests.Statistics.ReferenceValues;

namespace Platform.Numerics.Tests.Statistics;

/// <summary>Every statistic against reference values computed independently with SciPy / statsmodels (reference_values.py).</summary>
public sealed class ReferenceValueTests
{
    public static TheoryData<int> WilsonCases => Indices("wilson");

    public static TheoryData<int> RateCases => Indices("rates");

    public static TheoryData<int> MeanCases => Indices("means");

    public static TheoryData<int> CupedCases => Indices("cuped");

    public static TheoryData<int> HolmCases => Indices("holm");

    public static TheoryData<int> SrmCases => Indices("srm");

    public static TheoryData<int> PowerMeanCases => Indices("powerMeans");

    public static TheoryData<int> PowerRateCases => Indices("powerRates");

    public static TheoryData<int> SequentialCases => Indices("sequential");

    public static TheoryData<int> RoiCases => Indices("roi");

    [Theory]
    [MemberData(nameof(WilsonCases))]
    public void Wilson_MatchesStatsmodels(int index)
    {
        var c = Cases("wilson")[index];

        var interval = Wilson.Interval(c.Number("successes"), c.Number("units"), c.Number("confidence"));

        Close(c.Number("lower"), interval.Lower, what: "lower");
        Close(c.Number("upper"), interval.Upper, what: "upper");
    }

    [Theory]
    [MemberData(nameof(RateCases))]
    public void Rates_MatchStatsmodelsZTestAndIntervals(int index)
    {
        var c = Cases("rates")[index];

        var lift = Comparisons.Rates(c.Arm("control"), c.Arm("treatment"), Options(c));

        AssertLift(c, lift);
        Assert.Null(lift.DegreesOfFreedom);
    }

    [Theory]
    [MemberData(nameof(MeanCases))]
    public void Means_MatchWelchFromRawVectors(int index)
    {
        var c = Cases("means")[index];

        var lift = Comparisons.Means(c.Arm("control"), c.Arm("treatment"), Options(c));

        AssertLift(c, lift);
        Close(c.Number("df"), lift.DegreesOfFreedom!.Value, 1e-8, what: "df");
    }

    [Theory]
    [MemberData(nameof(CupedCases))]
    public void Cuped_FromSufficientStatistics_MatchesAdjustmentOfRawVectors(int index)
    {
        var c = Cases("cuped")[index];
        var isRate = c.GetProperty("isRate").GetBoolean();

        var adjustment = Comparisons.CupedAdjust(c.Arm("control"), c.Arm("treatment"), isRate);
        var lift = Comparisons.Cuped(c.Arm("control"), c.Arm("treatment"), isRate, Options(c));

        Close(c.Number("theta"), adjustment.Theta, 1e-8, what: "theta");
        Close(c.Number("covariateMean"), adjustment.CovariateMean, what: "x̄");
        Close(c.Number("controlVariance"), adjustment.Control.Variance, 1e-8, what: "control variance");
        Close(c.Number("treatmentVariance"), adjustment.Treatment.Variance, 1e-8, what: "treatment variance");
        Close(c.Number("varianceReduction"), adjustment.VarianceReduction, 1e-7, what: "variance reduction");
        AssertLift(c, lift, 1e-7);
        if (!isRate)
        {
            Close(c.Number("df"), lift.DegreesOfFreedom!.Value, 1e-7, what: "df");
        }
    }

    [Theory]
    [MemberData(nameof(HolmCases))]
    public void Holm_MatchesMultipletests(int index)
    {
        var c = Cases("holm")[index];
        var p = c.GetProperty("pValues").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var expected = c.GetProperty("adjusted").EnumerateArray().Select(v => v.GetDouble()).ToList();

        var adjusted = Holm.Adjust(p);

        Assert.Equal(expected.Count, adjusted.Length);
        for (var i = 0; i < expected.Count; i++)
        {
            Close(expected[i], adjusted[i], what: $"p[{i}]");
        }
    }

    [Theory]
    [MemberData(nameof(SrmCases))]
    public void SampleRatio_MatchesScipyChiSquare(int index)
    {
        var c = Cases("srm")[index];
        var observed = c.GetProperty("observed").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var shares = c.GetProperty("shares").EnumerateArray().Select(v => v.GetDouble()).ToList();

        var test = SampleRatio.Test(observed, shares);

        Close(c.Number("chiSquare"), test.ChiSquare, what: "χ²");
        Close(c.Number("pValue"), test.PValue, 1e-8, 1e-300, "p");
        Assert.Equal(observed.Count - 1, test.DegreesOfFreedom);
        Assert.Equal(c.Number("pValue") < 0.001, test.Mismatch);
    }

    [Theory]
    [MemberData(nameof(PowerMeanCases))]
    public void PowerOfMeans_MatchesNormalIndPower(int index)
    {
        var c = Cases("powerMeans")[index];
        var sd = c.Number("standardDeviation");

        if (c.GetProperty("kind").GetString() == "mde")
        {
            Close(c.Number("lift"), Power.MinimumDetectableMeanLift(sd, c.Number("controlSize"), c.Number("treatedSize"), c.Number("power"), c.Number("alpha"))!.Value, 1e-7, what: "MDE");
        }
        else
        {
            Close(c.Number("sizePerArm"), Power.MeanSizePerArm(sd, c.Number("lift"), c.Number("power"), c.Number("alpha")), 1e-7, what: "n");
        }
    }

    [Theory]
    [MemberData(nameof(PowerRateCases))]
    public void PowerOfRates_MatchesFleissSolvedInScipy(int index)
    {
        var c = Cases("powerRates")[index];
        var p0 = c.Number("baseline");

        if (c.GetProperty("kind").GetString() == "mde")
        {
            Close(c.Number("lift"), Power.MinimumDetectableRateLift(p0, c.Number("controlSize"), c.Number("treatedSize"), c.Number("power"), c.Number("alpha"))!.Value, 1e-9, what: "MDE");
        }
        else
        {
            Close(c.Number("sizePerArm"), Power.RateSizePerArm(p0, c.Number("lift"), c.Number("power"), c.Number("alpha")), 1e-9, what: "n");
        }
    }

    [Theory]
    [MemberData(nameof(SequentialCases))]
    public void ConfidenceSequence_MatchesThePaperWrittenOutInNumpy(int index)
    {
        var c = Cases("sequential")[index];
        var (d, se, n, tuning, confidence) = (c.Number("difference"), c.Number("standardError"), c.Number("units"), c.Number("tuning"), c.Number("confidence"));

        var half = ConfidenceSequence.HalfWidth(se, n, tuning, confidence);
        var p = ConfidenceSequence.PValue(d, se, n, tuning, confidence);

        Close(c.Pair("interval"), new Interval(d - half, d + half), what: "interval");
        Close(c.Number("pValue"), p, 1e-9, what: "p");
    }

    [Theory]
    [MemberData(nameof(RoiCases))]
    public void ReturnOnInvestment_MatchesDeltaMethodOnRawVectors(int index)
    {
        var c = Cases("roi")[index];

        var roi = Ratios.ReturnOnInvestment(c.Arm("treatmentProfit"), c.Arm("treatmentCost"), c.Number("profitCostCrossProducts"), c.Arm("controlMargin"), c.Number("confidence"));

        Assert.NotNull(roi);
        Close(c.Number("estimate"), roi.Estimate!.Value, 1e-9, what: "ROI");
        Close(c.Pair("interval"), roi.Interval, 1e-7, what: "ROI interval");
    }

    private static LiftOptions Options(JsonElement c) => new() { Confidence = c.Number("confidence"), SequentialTuning = c.Number("sequentialTuning") };

    private static void AssertLift(JsonElement c, Lift lift, double relative = 1e-9)
    {
        Close(c.Number("controlMean"), lift.Control, relative, what: "control");
        Close(c.Number("treatmentMean"), lift.Treatment, relative, what: "treatment");
        Close(c.Number("absolute"), lift.Absolute, relative, 1e-12, "absolute");
        Close(c.Pair("interval"), lift.AbsoluteInterval, relative, 1e-12, "interval");
        Close(c.Number("standardError"), lift.StandardError, relative, what: "SE");
        Close(c.Number("statistic"), lift.Statistic, relative, what: "statistic");
        Close(c.Number("pValue"), lift.PValue, Math.Max(relative, 1e-8), 1e-15, "p");
        Close(c.Pair("sequentialInterval"), lift.SequentialInterval, relative, 1e-12, "sequential interval");
        Close(c.Number("sequentialPValue"), lift.SequentialPValue!.Value, Math.Max(relative, 1e-8), 1e-15, "sequential p");
        if (c.TryGetProperty("relative", out var relativeLift))
        {
            Close(relativeLift.GetDouble(), lift.Relative!.Value, relative, 1e-12, "relative");
            Close(c.Pair("relativeInterval"), lift.RelativeInterval, relative, 1e-12, "relative interval");
        }
        else
        {
            Assert.Null(lift.Relative);
        }
    }
}
