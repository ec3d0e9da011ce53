namespace Campaigns.Features.Dispatch;

/// <summary>Statuses and reasons of the contacts ledger.</summary>
public static class ContactStatus
{
    /// <summary>Sent to the channel's webhook.</summary>
    public const string Dispatched = "dispatched";

    /// <summary>Made available in the channel's export file.</summary>
    public const string Exported = "exported";

    /// <summary>Not contacted, for <c>block_reason</c>.</summary>
    public const string Blocked = "blocked";

    /// <summary>Not contacted because the step's condition did not hold (not published: nothing was tried).</summary>
    public const string Skipped = "skipped";

    public const string Control = "control";
    public const string GlobalControl = "global_control";
    public const string NoConsent = "no_consent";
    public const string NoContactDetails = "no_contact_details";
    public const string OptedOut = "opted_out";
    public const string FrequencyCap = "frequency_cap";
    public const string QuietHours = "quiet_hours";
    public const string Capacity = "capacity";
    public const string Budget = "budget";
    public const string Responded = "responded";
    public const string Reached = "reached";
}
