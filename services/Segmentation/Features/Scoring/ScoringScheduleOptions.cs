namespace Segmentation.Features.Scoring;

/// <summary>
/// When scores are recomputed on a schedule (configuration <c>Scoring__Schedule__*</c>): every day at
/// <see cref="DailyAtUtc"/>, unless disabled. A periodic job of the platform's scheduler: once per day whatever the
/// number of replicas, and a service that starts after the day's time runs that day's run at once.
/// </summary>
public sealed class ScoringScheduleOptions
{
    /// <summary>False turns the schedule off (runs are then only requested through the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time of day (UTC) of the daily run.</summary>
    public TimeOnly DailyAtUtc { get; set; } = new(2, 0);
}
