using System.Text.Json;

namespace Gateway.Features.Marketing;

/// <summary>
/// A campaign's headline for a list: its best cell (the largest response-rate lift against control), that lift with its
/// interval and that cell's ROI with its interval (Measurement's <c>LiftView</c> and <c>Estimate</c>, as it answers them),
/// and the test's health flags.
/// </summary>
public sealed record CampaignHeadlineView(
    string? BestCell, JsonElement? ResponseLift, JsonElement? Roi, bool SampleRatioMismatch, double? SampleRatioPValue, bool ControlContacted);
