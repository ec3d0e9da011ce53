using System.Globalization;
using Platform.Numerics.Statistics;
using Platform.ServiceDefaults;

namespace Measurement.Features.Results;

/// <summary>
/// The query options of the results endpoints: <c>confidence</c> (0.5 to 0.999, default 0.95), <c>sequentialTuning</c>
/// (the number of members, both arms together, at which the always-valid confidence sequences are tightest; 1 to 10⁹, default 5,000) and, where offered, <c>winsorize</c> (the percentile revenue
/// per customer is capped at, 0.5 to 0.9999; none by default).
/// </summary>
public sealed record ResultsQuery(double Confidence, double SequentialTuning, double? Winsorize)
{
    public const double DefaultConfidence = 0.95;
    public const double DefaultSequentialTuning = 5_000;

    /// <summary>Power the detectable lifts are computed for.</summary>
    public const double Power = 0.8;

    public static readonly ResultsQuery Default = new(DefaultConfidence, DefaultSequentialTuning, null);

    public LiftOptions LiftOptions => new() { Confidence = Confidence, SequentialTuning = SequentialTuning };

    /// <summary>
    /// Reads the options from <paramref name="query"/>, naming each bad one in <paramref name="errors"/> (also a parameter
    /// this endpoint does not know, or one given twice). <paramref name="known"/>: further parameters the caller reads itself.
    /// </summary>
    public static ResultsQuery? Parse(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query, bool allowWinsorize, ValidationErrors errors, params string[] known)
    {
        double confidence = DefaultConfidence, tuning = DefaultSequentialTuning;
        double? winsorize = null;
        foreach (var (name, values) in query)
        {
            if (known.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            if (name is not ("confidence" or "sequentialTuning") && !(allowWinsorize && name == "winsorize"))
            {
                errors.Add(name, "is not a parameter of this endpoint");
                continue;
            }

            if (values.Count != 1)
            {
                errors.Add(name, "must be given once");
                continue;
            }

            var value = values[0];
            switch (name)
            {
                case "confidence":
                    if (Number(value, 0.5, 0.999) is { } c)
                    {
                        confidence = c;
                    }
                    else
                    {
                        errors.Add(name, "must be a number from 0.5 to 0.999 (e.g. 0.95)");
                    }

                    break;
                case "sequentialTuning":
                    if (Number(value, 1, 1e9) is { } t)
                    {
                        tuning = t;
                    }
                    else
                    {
                        errors.Add(name, "must be a number from 1 to 1000000000 (the sample size at which the sequential interval is tightest, e.g. 5000)");
                    }

                    break;
                default:
                    if (Number(value, 0.5, 0.9999) is { } w)
                    {
                        winsorize = w;
                    }
                    else
                    {
                        errors.Add(name, "must be a percentile from 0.5 to 0.9999 (e.g. 0.99)");
                    }

                    break;
            }
        }

        return errors.HasErrors ? null : new ResultsQuery(confidence, tuning, winsorize);
    }

    private static double? Number(string? text, double min, double max) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value) && value >= min && value <= max
            ? value
            : null;
}
