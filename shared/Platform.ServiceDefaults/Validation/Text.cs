namespace Platform.ServiceDefaults.Validation;

/// <summary>
/// Text field checks for every input (JSON fields and CSV cells alike): trimmed, blank is missing, bounded length, and
/// storable: no NUL (PostgreSQL text cannot hold it) and no unpaired surrogate (UTF-8 cannot encode it).
/// </summary>
public static class Text
{
    /// <summary>What validation messages say about text that cannot be stored.</summary>
    public const string NotStorable = "must not contain NUL characters or unpaired surrogates";

    /// <summary>The trimmed value, or null (with "is required", a length or a storability error recorded).</summary>
    public static string? Required(ValidationErrors errors, string field, string? value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!errors.Required(field, value))
        {
            return null;
        }

        return Optional(errors, field, value, maxLength);
    }

    /// <summary>The trimmed value, null when blank; a length or storability error is recorded when too long or not storable.</summary>
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

        if (!IsStorable(trimmed))
        {
            errors.Add(field, NotStorable);
            return null;
        }

        return trimmed;
    }

    /// <summary>Records <see cref="NotStorable"/> for <paramref name="field"/> when <paramref name="value"/> holds NUL or an unpaired surrogate; returns whether it is storable (null is).</summary>
    public static bool CheckStorable(ValidationErrors errors, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null || IsStorable(value))
        {
            return true;
        }

        errors.Add(field, NotStorable);
        return false;
    }

    /// <summary>True when <paramref name="text"/> holds neither NUL nor an unpaired surrogate.</summary>
    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
