namespace Platform.ServiceDefaults;

/// <summary>The body of <c>POST /admin/clock</c>.</summary>
public sealed record ClockAdvanceRequest
{
    /// <summary>The moment to move "now" to; later than the clock's now.</summary>
    public DateTimeOffset? AdvanceTo { get; init; }
}
