namespace Measurement.Features.Results;

/// <summary>Contacts made to control members, which must never happen: flagged when any was (they contaminate the comparison).</summary>
public sealed record ControlContactsView(long CampaignControl, long GlobalControl, bool Flagged, IReadOnlyList<ControlContactRow> Contacts);
