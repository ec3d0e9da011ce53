using Platform.ServiceDefaults;

namespace Ingestion.Features.Transactions;

/// <summary>Text field checks shared by transactions and responses: trimmed, blank is missing, bounded length.</summary>
public static class Text
{
    /// <summary>The trimmed value, or null (with "is required" or a length error recorded).</summary>
    public static string? Required(ValidationErrors errors, string field, string? value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!errors.Required(field, value))
        {
            return null;
        }

        return Optional(errors, field, value, maxLength);
    }

    /// <summary>The trimmed value, null when blank; a length error is recorded when too long.</summary>
    public static string? Optional(ValidationErrors errors, string field, string? value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Avoid a new string for the common already-trimmed value.
        var trimmed = char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) ? value.Trim() : value;
        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters");
            return null;
        }

        return trimmed;
    }
}

/// <summary>Amounts as the schema stores them: numeric(14,2).</summary>
public static class Money
{
    private const decimal Limit = 1_000_000_000_000m;

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
