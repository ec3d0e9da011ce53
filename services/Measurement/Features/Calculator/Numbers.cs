using Platform.ServiceDefaults;

namespace Measurement.Features.Calculator;

/// <summary>
/// Number checks of the calculator's requests: finite (a JSON number cannot be NaN or ∞, but a number string such as
/// "NaN" could be), within a bound that keeps sums of squares meaningful in double precision, whole where a count is meant.
/// </summary>
public static class Numbers
{
    /// <summary>Largest magnitude accepted for any sum.</summary>
    public const double MaxMagnitude = 1e18;

    /// <summary>Largest count of units accepted.</summary>
    public const double MaxUnits = 1e12;

    /// <summary>A count: required, whole, from <paramref name="minimum"/> to <see cref="MaxUnits"/>; null (with the error recorded) otherwise.</summary>
    public static double? Count(ValidationErrors errors, string field, double? value, double minimum)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not { } v)
        {
            errors.Add(field, "is required");
            return null;
        }

        if (!double.IsFinite(v) || v != Math.Floor(v) || v < minimum || v > MaxUnits)
        {
            errors.Add(field, $"must be a whole number from {minimum:0} to {MaxUnits:0.#e0}");
            return null;
        }

        return v;
    }

    /// <summary>A finite number of magnitude at most <see cref="MaxMagnitude"/> (non-negative when <paramref name="nonNegative"/>); null when missing or bad.</summary>
    public static double? Finite(ValidationErrors errors, string field, double? value, bool nonNegative, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not { } v)
        {
            if (required)
            {
                errors.Add(field, "is required");
            }

            return null;
        }

        if (!double.IsFinite(v) || Math.Abs(v) > MaxMagnitude)
        {
            errors.Add(field, $"must be a finite number of magnitude at most {MaxMagnitude:0.#e0}");
            return null;
        }

        if (nonNegative && v < 0)
        {
            errors.Add(field, "must not be negative");
            return null;
        }

        return v;
    }

    /// <summary>Centred sum of squares Σy² − (Σy)²/n is at least zero, up to rounding.</summary>
    public static bool VarianceNotNegative(double units, double sum, double squares) =>
        squares - (sum * sum / units) >= -1e-9 * Math.Max(1, Math.Abs(squares));
}
