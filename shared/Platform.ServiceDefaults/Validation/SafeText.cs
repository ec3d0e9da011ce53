namespace Platform.ServiceDefaults;

/// <summary>
/// Text every store and consumer can hold: no NUL character (PostgreSQL refuses U+0000 in <c>text</c> and <c>jsonb</c>,
/// which would surface as a 500) and no unpaired UTF-16 surrogate (not Unicode; it cannot be encoded as UTF-8).
/// The shared JSON options apply it to every string a request binds (<see cref="StrictJson"/>); code that reads text
/// outside JSON binding (CSV cells, query strings, <see cref="System.Text.Json.JsonElement"/> trees) calls it itself.
/// </summary>
public static class SafeText
{
    /// <summary>The problem reported for a NUL character.</summary>
    public const string NulProblem = "must not contain NUL characters (U+0000)";

    /// <summary>The problem reported for an unpaired surrogate or bytes that are not UTF-8.</summary>
    public const string InvalidUnicodeProblem = "must be valid Unicode text (no unpaired surrogates such as \\ud800, no invalid UTF-8)";

    /// <summary>The problem with <paramref name="text"/>, or null when it is safe.</summary>
    public static string? ProblemOf(ReadOnlySpan<char> text)
    {
        if (text.Contains('\0'))
        {
            return NulProblem;
        }

        // Fast path: most text holds no surrogate at all.
        var first = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return null;
        }

        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return InvalidUnicodeProblem;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="text"/> is null or safe.</summary>
    public static bool IsSafe(string? text) => text is null || ProblemOf(text) is null;

    /// <summary>Records the problem with <paramref name="value"/> under <paramref name="field"/>; returns whether it was safe.</summary>
    public static bool Check(ValidationErrors errors, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not null && ProblemOf(value) is { } problem)
        {
            errors.Add(field, problem);
            return false;
        }

        return true;
    }
}
