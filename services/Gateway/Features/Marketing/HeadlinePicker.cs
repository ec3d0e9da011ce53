using System.Text.Json;

namespace Gateway.Features.Marketing;

/// <summary>Picks a campaign's headline from Measurement's side-by-side answer (one <c>CampaignHeadline</c>).</summary>
public static class HeadlinePicker
{
    /// <summary>
    /// The best cell is the one with the largest response-rate lift against control (its point estimate; ties: the first
    /// listed); a campaign whose cells have no lift yet (too few members) has no best cell, only its health flags.
    /// </summary>
    public static CampaignHeadlineView Of(JsonElement headline)
    {
        JsonElement? best = null;
        double bestLift = double.NegativeInfinity;
        foreach (var cell in ((JsonElement?)headline).Items("cells"))
        {
            if (((JsonElement?)cell).Prop("responseLift").Number("absolute") is { } lift && lift > bestLift)
            {
                best = cell;
                bestLift = lift;
            }
        }

        return new CampaignHeadlineView(
            best.Text("cell"),
            best.Prop("responseLift"),
            best.Prop("roi"),
            ((JsonElement?)headline).Flag("sampleRatioMismatch") ?? false,
            ((JsonElement?)headline).Number("sampleRatioPValue"),
            ((JsonElement?)headline).Flag("controlContacted") ?? false);
    }
}
