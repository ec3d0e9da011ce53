using System.Text.Json;
using Demo.Generation;
using Demo.Simulation;

namespace Demo.Reporting;

/// <summary>Turns a campaign's results (<c>GET /measurement/v1/campaigns/{id}/results</c>) into the outcome, each figure beside its truth.</summary>
public static class ResultsReader
{
    /// <summary>Reads <paramref name="results"/>; truths are averaged over <paramref name="members"/> (all the campaign's members).</summary>
    public static CampaignOutcome Read(JsonElement results, IReadOnlyDictionary<string, Treatment> treatments, IReadOnlyCollection<SyntheticCustomer> members, SimulationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(treatments);
        var header = results.GetProperty("campaign");
        var control = GroundTruth.Average(members, Treatment.Control, parameters);
        var cells = new List<CellOutcome>();
        foreach (var cell in results.GetProperty("cells").EnumerateArray())
        {
            var name = cell.GetProperty("cell").GetString()!;
            var isControl = cell.GetProperty("isControl").GetBoolean();
            var truth = GroundTruth.Average(members, treatments.GetValueOrDefault(name), parameters);
            var assigned = cell.GetProperty("assigned").GetInt64();
            var costs = cell.GetProperty("costs");
            var totalCost = costs.GetProperty("total").GetDouble();
            Figure? conversionLift = null, revenueLift = null, costPerResponse = null, roi = null, dealShare = null, repeat30 = null, ltvToCac = null;
            long? acquired = null;
            if (!isControl)
            {
                var lift = Find(results.GetProperty("lifts"), name);
                conversionLift = Lift(lift, "conversionRate", truth.ConversionRate - control.ConversionRate);
                revenueLift = Lift(lift, "revenuePerCustomer", truth.RevenuePerCustomer - control.RevenuePerCustomer);
                if (Find(results.GetProperty("money"), name) is { } money)
                {
                    var incrementalResponses = (truth.ResponseRate - control.ResponseRate) * assigned;
                    costPerResponse = Of(money.GetProperty("costPerIncrementalResponse"), incrementalResponses > 0 ? totalCost / incrementalResponses : null);
                    var incrementalRevenue = truth.RevenuePerCustomer - control.RevenuePerCustomer;
                    roi = Of(money.GetProperty("roi"), incrementalRevenue is { } r && totalCost > 0 ? ((r * assigned) - totalCost) / totalCost : null);
                }
            }

            if (results.TryGetProperty("quality", out var quality) && quality.ValueKind == JsonValueKind.Object
                && quality.TryGetProperty("acquisition", out var acquisition) && acquisition.ValueKind == JsonValueKind.Object
                && Find(acquisition.GetProperty("cells"), name) is { } cohort)
            {
                acquired = cohort.GetProperty("acquired").GetInt64();
                dealShare = Of(cohort.GetProperty("dealSeekerShare"), truth.AcquiredDealSeekerShare);
                var thirty = cohort.GetProperty("repeat").EnumerateArray().FirstOrDefault(r => r.GetProperty("days").GetInt32() == 30);
                repeat30 = thirty.ValueKind == JsonValueKind.Object ? Of(thirty.GetProperty("rate"), truth.AcquiredRepeat30) : null;
                ltvToCac = cohort.TryGetProperty("ltvToCac", out var ratio) && ratio.ValueKind == JsonValueKind.Object ? Of(ratio, null) : null;
            }

            cells.Add(new CellOutcome(name, isControl, assigned, cell.GetProperty("contacted").GetInt64(), costs.GetProperty("contactCost").GetDouble(),
                costs.GetProperty("offerCost").GetDouble(), Of(cell.GetProperty("responseRate"), truth.ResponseRate), Of(cell.GetProperty("conversionRate"), truth.ConversionRate),
                conversionLift, Of(cell.GetProperty("perAssigned").GetProperty("revenue"), truth.RevenuePerCustomer), revenueLift, costPerResponse, roi, acquired, dealShare, repeat30, ltvToCac));
        }

        var health = results.GetProperty("health");
        return new CampaignOutcome(header.GetProperty("id").GetGuid(), header.GetProperty("code").GetString()!, header.GetProperty("objective").GetString()!,
            header.GetProperty("status").GetString()!, header.GetProperty("memberCount").GetInt64(), cells,
            health.GetProperty("controlContacts").GetProperty("campaignControl").GetInt64(), health.GetProperty("sampleRatio").GetProperty("mismatch").GetBoolean());
    }

    private static JsonElement? Find(JsonElement list, string cell) =>
        list.EnumerateArray().Where(e => e.GetProperty("cell").GetString() == cell).Select(e => (JsonElement?)e).FirstOrDefault();

    private static Figure? Lift(JsonElement? lift, string metric, double? truth)
    {
        if (lift is not { } l)
        {
            return null;
        }

        var m = l.GetProperty("metrics").EnumerateArray().FirstOrDefault(x => x.GetProperty("metric").GetString() == metric);
        if (m.ValueKind != JsonValueKind.Object || m.GetProperty("unadjusted") is not { ValueKind: JsonValueKind.Object } view)
        {
            return null;
        }

        var interval = view.GetProperty("absoluteInterval");
        return new Figure(Number(view, "absolute"), Number(interval, "lower"), Number(interval, "upper"), truth);
    }

    /// <summary>An estimate (<c>value</c>, <c>interval</c>) with its truth.</summary>
    private static Figure Of(JsonElement estimate, double? truth)
    {
        double? lower = null, upper = null;
        if (estimate.TryGetProperty("interval", out var interval) && interval.ValueKind == JsonValueKind.Object)
        {
            lower = Number(interval, "lower");
            upper = Number(interval, "upper");
        }

        return new Figure(Number(estimate, "value"), lower, upper, truth);
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
