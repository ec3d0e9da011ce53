namespace Gateway.Features.ResultsPages;

/// <summary>The plain-language sentences of a results page: one verdict per cell, and the test's health.</summary>
public static class Verdicts
{
    /// <summary>
    /// What a cell did to the response rate against control, in one sentence with its interval: raised or lowered when the
    /// interval excludes no effect, otherwise "not distinguishable from no effect".
    /// </summary>
    public static string Cell(string label, double? absolute, double? lower, double? upper, double confidence)
    {
        if (absolute is not { } lift)
        {
            return $"{label}: too few members yet to compare its response rate with control.";
        }

        var ci = $"({NumberFormat.Confidence(confidence)} CI {NumberFormat.PointsBare(lower).TrimStart('+')} to {NumberFormat.PointsBare(upper).TrimStart('+')})";
        ci = ci.Replace(NumberFormat.None + " to", "unbounded to", StringComparison.Ordinal).Replace("to " + NumberFormat.None, "to unbounded", StringComparison.Ordinal);
        var size = NumberFormat.Points(Math.Abs(lift)).TrimStart('+');
        if (lower is { } lo && lo > 0)
        {
            return $"{label} raised the response rate by {size} {ci} over control.";
        }

        if (upper is { } hi && hi < 0)
        {
            return $"{label} lowered the response rate by {size} {ci} against control.";
        }

        return $"{label} changed the response rate by {NumberFormat.Points(lift)} {ci} against control: not distinguishable from no effect.";
    }

    /// <summary>The sample-ratio sentence: healthy, untested, or a warning.</summary>
    public static (bool Healthy, string Text) SampleRatio(bool mismatch, double? pValue, double threshold) =>
        mismatch
            ? (false, $"Warning: the cells' sizes differ from the design (sample-ratio mismatch, p = {NumberFormat.PValue(pValue)}, flagged below {NumberFormat.PValue(threshold)}): the assignment may be broken, so the comparisons may be biased.")
            : pValue is null
                ? (true, "The split of members between the cells could not be tested yet (it needs two cells with members).")
                : (true, $"The cells got the shares they were designed for (sample-ratio test p = {NumberFormat.PValue(pValue)}).");

    /// <summary>The control-contacts sentence.</summary>
    public static (bool Healthy, string Text) ControlContacts(bool flagged, long campaignControl, long globalControl) =>
        flagged
            ? (false, $"Warning: {NumberFormat.Count(campaignControl + globalControl)} contacts were made to control members ({NumberFormat.Count(campaignControl)} in the campaign's control, {NumberFormat.Count(globalControl)} in the global control): the comparison with control is contaminated.")
            : (true, "No control member was contacted.");

    /// <summary>The headline of the health section.</summary>
    public static string Health(bool healthy) => healthy ? "The test is healthy." : "Warning: the test has a problem (see below); read its figures with care.";

    /// <summary>The smallest response-rate lift a cell could detect with its actual size.</summary>
    public static string Detectable(string label, double? absolute, double power, double alpha) =>
        absolute is { } d
            ? $"With these sizes, {label} can detect a response-rate lift of {NumberFormat.Points(d).TrimStart('+')} or more (power {NumberFormat.Confidence(power)}, α {NumberFormat.Confidence(alpha)} two-sided)."
            : $"With these sizes, no detectable response-rate lift can be given for {label} (control's rate is 0 or 1 so far).";
}
