namespace Segmentation.Features.Models;

/// <summary>One customer's calibration summary: repeat purchase days x, recency t_x and age T (same time unit), and the mean value of a repeat purchase day.</summary>
/// <param name="Frequency">Repeat purchase days x: distinct purchase days after the first (≥ 0).</param>
/// <param name="Recency">Recency t_x: time from the first to the last purchase day (0 ≤ t_x ≤ T; 0 when x = 0).</param>
/// <param name="Age">Age T: time from the first purchase day to the end of the calibration period.</param>
/// <param name="AverageRepeatSpend">Mean value per repeat purchase day (first day left out); NaN or 0 when x = 0 or unknown.</param>
public readonly record struct PurchaseHistory(int Frequency, double Recency, double Age, double AverageRepeatSpend = double.NaN)
{
    /// <summary>True when the average repeat spend can enter the Gamma-Gamma model: x &gt; 0 and a positive finite average.</summary>
    public bool HasRepeatSpend => Frequency > 0 && double.IsFinite(AverageRepeatSpend) && AverageRepeatSpend > 0;

    /// <summary>Throws when the history breaks 0 ≤ x, 0 ≤ t_x ≤ T (finite).</summary>
    public void Validate()
    {
        if (Frequency < 0)
        {
            throw new ArgumentException($"Frequency must be ≥ 0, was {Frequency}.");
        }

        // NaN fails every comparison, so the negated form also rejects it.
        if (!(Recency >= 0) || !(Age >= Recency) || !double.IsFinite(Age))
        {
            throw new ArgumentException($"Need 0 ≤ recency ≤ age (finite), was recency {Recency}, age {Age}.");
        }
    }
}
