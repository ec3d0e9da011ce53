namespace Demo;

/// <summary>
/// A measured figure with its interval (from the results API) next to the true value from the simulation;
/// <see cref="Covers"/> says whether the interval contains the truth (null when either is missing).
/// </summary>
public sealed record Figure(double? Value, double? Lower, double? Upper, double? Truth)
{
    /// <summary>Whether [Lower, Upper] contains <see cref="Truth"/> (an open end counts as unbounded).</summary>
    public bool? Covers => Truth is not { } truth || (Lower is null && Upper is null) ? null
        : (Lower is not { } lower || lower - Slack <= truth) && (Upper is not { } upper || truth <= upper + Slack);

    // An interval ending at exactly the truth (a rate of 0 with its Wilson interval from 0) contains it, rounding aside.
    private const double Slack = 1e-9;
}
