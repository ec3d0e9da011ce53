namespace Platform.ServiceDefaults.Validation;

/// <summary>Money amounts as every schema stores them: numeric(14,2), refused (never rounded) when out of range or too precise.</summary>
public static class Money
{
    /// <summary>Amounts must be strictly less than this in absolute value (numeric(14,2)).</summary>
    public const decimal Limit = 1_000_000_000_000m;

    /// <summary>Checks range and precision; returns the value (null when missing or bad).</summary>
    public static decimal? Check(ValidationErrors errors, string field, decimal? value, bool required, bool allowNegative)
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

        if (!allowNegative && v < 0)
        {
            errors.Add(field, "must not be negative");
            return null;
        }

        if (Math.Abs(v) >= Limit)
        {
            errors.Add(field, "must be less than 1,000,000,000,000");
            return null;
        }

        // Refused rather than rounded: a silently changed amount is worse than a rejected row.
        if (decimal.Round(v, 2) != v)
        {
            errors.Add(field, "must have at most 2 decimal places");
            return null;
        }

        // Scale 2, as numeric(14,2) gives it back: 25 becomes 25.00, so events, answers and stored rows agree.
        return decimal.Round(v, 2) + 0.00m;
    }
}
