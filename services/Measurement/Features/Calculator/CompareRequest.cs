using System.ComponentModel;
using Platform.Numerics.Statistics;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Measurement.Features.Calculator;

/// <summary>Body of <c>POST /v1/stats/compare</c>: one control, one or more treatment arms, and how to compare them.</summary>
public sealed record CompareRequest
{
    [Description("The control arm.")]
    public ArmRequest? Control { get; init; }

    [Description("The treatment arms (1 to 20), each compared with the control; Holm's correction across them.")]
    public IReadOnlyList<ArmRequest?>? Treatments { get; init; }

    [Description("Confidence level of every interval, from 0.5 to 0.9999; default 0.95.")]
    public double? Confidence { get; init; }

    [Description("Sample size (both arms together) at which the always-valid interval is tightest, above 0; default 5000.")]
    public double? SequentialTuning { get; init; }

    /// <summary>Most treatment arms in one request.</summary>
    public const int MaxTreatments = 20;

    /// <summary>
    /// The validated input, or null with every bad field recorded. The control decides the metric (conversions: a rate;
    /// sum and sumOfSquares: a mean) and whether CUPED applies (covariate sums given); every arm must agree with it.
    /// </summary>
    public static CompareInput? Validate(CompareRequest? request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (request is null)
        {
            errors.Add("body", "a compare object is required");
            return null;
        }

        var metric = request.Control?.Conversions is not null ? MetricKind.Rate : MetricKind.Mean;
        var hasCovariate = request.Control is { } c && (c.CovariateSum is not null || c.CovariateSumOfSquares is not null || c.CrossProducts is not null);
        NamedArm? control = null;
        if (request.Control is null)
        {
            errors.Add("control", "is required");
        }
        else
        {
            control = ValidateArm(request.Control, "control", metric, hasCovariate, errors.WithPrefix("control."));
        }

        var treatments = new List<NamedArm>();
        if (request.Treatments is not { Count: > 0 } list)
        {
            errors.Add("treatments", "needs at least one treatment arm");
        }
        else if (list.Count > MaxTreatments)
        {
            errors.Add("treatments", $"must have at most {MaxTreatments} arms");
        }
        else
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is not { } arm)
                {
                    errors.Add($"treatments[{i}]", "must be an arm object");
                }
                else if (ValidateArm(arm, $"treatment {i + 1}", metric, hasCovariate, errors.WithPrefix($"treatments[{i}].")) is { } valid)
                {
                    treatments.Add(valid);
                }
            }
        }

        var confidence = request.Confidence ?? 0.95;
        if (!(confidence >= 0.5 && confidence <= 0.9999))
        {
            errors.Add("confidence", "must be from 0.5 to 0.9999");
        }

        var tuning = request.SequentialTuning ?? ConfidenceSequence.DefaultTuning;
        if (!(tuning > 0 && tuning <= Numbers.MaxUnits))
        {
            errors.Add("sequentialTuning", $"must be above 0 and at most {Numbers.MaxUnits:0.#e0}");
        }

        return errors.HasErrors ? null
            : new CompareInput(metric, control!, treatments, hasCovariate, new LiftOptions { Confidence = confidence, SequentialTuning = tuning });
    }

    private static NamedArm? ValidateArm(ArmRequest arm, string defaultName, MetricKind metric, bool hasCovariate, ValidationErrors errors)
    {
        var before = errors.Count;
        var name = Text.Optional(errors, "name", arm.Name, 100) ?? defaultName;
        var units = Numbers.Count(errors, "units", arm.Units, metric == MetricKind.Rate && !hasCovariate ? 1 : 2);
        double? sum, squares;
        if (metric == MetricKind.Rate)
        {
            sum = Numbers.Finite(errors, "conversions", arm.Conversions, nonNegative: true);
            if (sum is { } s && (s != Math.Floor(s) || (units is { } n && s > n)))
            {
                errors.Add("conversions", "must be a whole number no greater than units");
                sum = null;
            }

            squares = sum;
            NotGiven(errors, "sum", arm.Sum, "a rate (the control gives conversions)");
            NotGiven(errors, "sumOfSquares", arm.SumOfSquares, "a rate (the control gives conversions)");
        }
        else
        {
            NotGiven(errors, "conversions", arm.Conversions, "a mean (the control gives sum and sumOfSquares)");
            sum = Numbers.Finite(errors, "sum", arm.Sum, nonNegative: false);
            squares = Numbers.Finite(errors, "sumOfSquares", arm.SumOfSquares, nonNegative: true);
            if (units is { } n && sum is { } s && squares is { } q && !Numbers.VarianceNotNegative(n, s, q))
            {
                errors.Add("sumOfSquares", "is less than sum²/units: the variance would be negative");
            }
        }

        double x = 0, xx = 0, xy = 0;
        if (hasCovariate)
        {
            var cx = Numbers.Finite(errors, "covariateSum", arm.CovariateSum, nonNegative: false);
            var cxx = Numbers.Finite(errors, "covariateSumOfSquares", arm.CovariateSumOfSquares, nonNegative: true);
            var cxy = Numbers.Finite(errors, "crossProducts", arm.CrossProducts, nonNegative: false);
            if (units is { } n && cx is { } sx && cxx is { } sxx)
            {
                if (!Numbers.VarianceNotNegative(n, sx, sxx))
                {
                    errors.Add("covariateSumOfSquares", "is less than covariateSum²/units: the covariate's variance would be negative");
                }
                else if (cxy is { } sxy && sum is { } sy && squares is { } syy)
                {
                    // Cauchy–Schwarz: |S_xy| ≤ √(S_xx·S_yy), or the correlation would exceed 1.
                    var centredXy = sxy - (sx * sy / n);
                    var bound = Math.Sqrt(Math.Max(0, sxx - (sx * sx / n)) * Math.Max(0, syy - (sy * sy / n)));
                    if (Math.Abs(centredXy) > (bound * (1 + 1e-9)) + (1e-9 * Math.Max(1, Math.Abs(sxy))))
                    {
                        errors.Add("crossProducts", "is inconsistent with the sums: the correlation of the covariate and the outcome would exceed 1");
                    }
                }
            }

            (x, xx, xy) = (cx ?? 0, cxx ?? 0, cxy ?? 0);
        }
        else
        {
            const string Why = "the control gives no covariate: give the covariate sums in every arm or in none";
            NotGiven(errors, "covariateSum", arm.CovariateSum, null, Why);
            NotGiven(errors, "covariateSumOfSquares", arm.CovariateSumOfSquares, null, Why);
            NotGiven(errors, "crossProducts", arm.CrossProducts, null, Why);
        }

        return errors.Count > before ? null : new NamedArm(name, new Moments(units!.Value, sum!.Value, squares!.Value, x, xx, xy));
    }

    private static void NotGiven(ValidationErrors errors, string field, double? value, string? kind, string? message = null)
    {
        if (value is not null)
        {
            errors.Add(field, message ?? $"must not be given for {kind}");
        }
    }
}
