using System.Globalization;

namespace Platform.Data.Jobs;

/// <summary>
/// When a periodic job is due: every <see cref="Period"/>, at fixed moments counted from the Unix epoch (UTC) plus an
/// offset, so every replica computes the same due times whatever its start time.
/// </summary>
public sealed class JobSchedule
{
    private JobSchedule(TimeSpan period, TimeSpan offset, string description)
    {
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "a periodic job's period must be positive");
        }

        Period = period;
        _offset = TimeSpan.FromTicks(offset.Ticks % period.Ticks);
        _description = description;
    }

    private readonly TimeSpan _offset;
    private readonly string _description;

    /// <summary>Time between two due times.</summary>
    public TimeSpan Period { get; }

    /// <summary>Every day at <paramref name="timeOfDayUtc"/> (UTC).</summary>
    public static JobSchedule DailyAt(TimeOnly timeOfDayUtc) =>
        new(TimeSpan.FromDays(1), timeOfDayUtc.ToTimeSpan(), $"daily at {timeOfDayUtc.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC");

    /// <summary>Every <paramref name="period"/>, at multiples of it since the Unix epoch (e.g. every hour on the hour).</summary>
    public static JobSchedule Every(TimeSpan period) => new(period, TimeSpan.Zero, $"every {period}");

    /// <summary>The latest due time at or before <paramref name="now"/>.</summary>
    public DateTimeOffset LatestAtOrBefore(DateTimeOffset now)
    {
        var sinceStart = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks - _offset.Ticks;
        var periods = sinceStart >= 0 ? sinceStart / Period.Ticks : -((-sinceStart + Period.Ticks - 1) / Period.Ticks);
        var due = DateTimeOffset.UnixEpoch + _offset + TimeSpan.FromTicks(periods * Period.Ticks);
        return due;
    }

    /// <summary>The unique key of the occurrence due at <paramref name="due"/>: its UTC time, so one job per due time.</summary>
    public static string KeyOf(DateTimeOffset due) => due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => _description;
}
