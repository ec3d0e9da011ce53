using System.Globalization;
using System.Text;

namespace Demo.Reporting;

/// <summary>The demo's report: per campaign and cell, each figure with its 95% interval and the true value beside it, then where to look next.</summary>
public static class ReportWriter
{
    private static readonly CultureInfo En = CultureInfo.InvariantCulture;

    /// <summary>The report as plain text.</summary>
    public static string Write(DemoOutcome outcome, Uri gateway, int unknownContacts, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(gateway);
        var text = new StringBuilder();
        var covered = 0;
        var judged = 0;
        text.AppendLine(En, $"THE MARKETING LOOP, RUN {outcome.RunTag}");
        text.AppendLine(En, $"{outcome.CustomersIngested:N0} customers with {outcome.HistoryOrdersIngested:N0} orders of two years up to {outcome.HistoryEnd:yyyy-MM-dd} and {outcome.ProspectsIngested:N0} prospects imported;");
        text.AppendLine(En, $"then {outcome.ContactsReceived:N0} contacts came out of the platform (signatures refused: {outcome.BadSignatures}), and {outcome.ResponsesIngested:N0} responses and {outcome.SimulatedOrdersIngested:N0} orders went back in.");
        if (unknownContacts > 0)
        {
            text.AppendLine(En, $"({unknownContacts} contacts named customers the demo did not generate: data from an earlier run in the same databases.)");
        }

        foreach (var campaign in outcome.Campaigns)
        {
            text.AppendLine();
            text.AppendLine(En, $"{(campaign.Objective == "acquisition" ? "ACQUISITION" : "RETENTION")} CAMPAIGN {campaign.Code} — {campaign.Members:N0} members, {campaign.Status}; "
                + $"sample ratio {(campaign.SampleRatioMismatch ? "MISMATCH" : "as designed")}, contacts to control members: {campaign.ControlContacts}");
            text.AppendLine(En, $"  {"cell",-15} {"assigned",8} {"contacted",9}  {"figure",-34} {"measured",10}  {$"{confidence * 100:0.#}% interval",-24} {"truth",10}  in interval");
            foreach (var cell in campaign.Cells)
            {
                var rows = new List<(string Name, Figure? Figure, Format Format)>
                {
                    ("response rate", cell.ResponseRate, Format.Percent),
                    ("conversion rate (bought in window)", cell.ConversionRate, Format.Percent),
                    ("  lift vs control (points)", cell.ConversionLift, Format.Points),
                    ("revenue per member", cell.RevenuePerMember, Format.Money),
                    ("  lift vs control", cell.RevenueLift, Format.Money),
                    ("cost per incremental response", cell.CostPerIncrementalResponse, Format.Money),
                    ("ROI (incremental margin / cost − 1)", cell.Roi, Format.Ratio),
                    ("acquired: deal-seeker share (flag)", cell.AcquiredDealSeekerShare, Format.Percent),
                    ("acquired: repeat within 30 days", cell.AcquiredRepeat30, Format.Percent),
                    ("acquired: LTV / CAC", cell.LtvToCac, Format.Ratio),
                };
                var first = true;
                foreach (var (name, figure, format) in rows.Where(r => r.Figure is not null))
                {
                    var prefix = first ? $"  {cell.Cell,-15} {cell.Assigned,8:N0} {cell.Contacted,9:N0}" : $"  {"",-15} {"",8} {"",9}";
                    first = false;
                    var verdict = figure!.Covers switch { true => "yes", false => "NO", null => "" };
                    if (figure.Covers is { } c && figure != cell.AcquiredDealSeekerShare)
                    {
                        judged++;
                        covered += c ? 1 : 0;
                    }

                    var interval = figure.Lower is null && figure.Upper is null ? "" : $"[{Show(figure.Lower, format, "−∞")}, {Show(figure.Upper, format, "∞")}]";
                    text.AppendLine(En, $"{prefix}  {name,-34} {Show(figure.Value, format, "–"),10}  {interval,-24} {Show(figure.Truth, format, "–"),10}  {verdict}");
                }

                if (cell.Acquired is { } acquired)
                {
                    text.AppendLine(En, $"  {"",-15} {"",8} {"",9}  {"acquired customers",-34} {acquired,10:N0}");
                }

                text.AppendLine(En, $"  {"",-15} {"",8} {"",9}  {"costs: contacts + offers",-34} {Show(cell.ContactCost + cell.OfferCost, Format.Money, "")  ,10}");
            }
        }

        text.AppendLine();
        text.AppendLine(En, $"{covered} of {judged} intervals contain the true value ({confidence * 100:0.#}% intervals: about {1 - confidence:P1} may miss by chance; deal-seeker shares not counted, see below).");
        text.AppendLine("Truth: each member's expected outcome under each cell's treatment, from the simulator's own parameters, averaged over");
        text.AppendLine("all of the campaign's members. The deal-seeker flag needs 3 orders (Segmentation's rule), so newly acquired customers");
        text.AppendLine("are rarely flagged yet: the measured share sits below the true share of deal-seeking types. Margin = revenue: the");
        text.AppendLine("demo's orders carry no cost of goods.");
        text.AppendLine();
        var root = gateway.ToString().TrimEnd('/');
        text.AppendLine("Results pages:");
        foreach (var campaign in outcome.Campaigns)
        {
            text.AppendLine(En, $"  {root}/pages/campaigns/{campaign.Id}   ({campaign.Code})");
        }

        text.AppendLine(En, $"  {root}/pages/campaigns   (all campaigns)");
        text.AppendLine(En, $"API document: {root}/docs  (OpenAPI: {root}/openapi/v1.json)");
        text.AppendLine(En, $"Results as JSON: {root}/measurement/v1/campaigns/{{id}}/results");
        text.AppendLine("The platform keeps running (./deploy/platform down stops it).");
        return text.ToString();
    }

    private enum Format
    {
        Percent,
        Points,
        Money,
        Ratio,
    }

    private static string Show(double? value, Format format, string missing) => value is not { } v ? missing : format switch
    {
        Format.Percent => (v * 100).ToString("0.0", En) + "%",
        Format.Points => (v * 100).ToString("+0.0;−0.0", En) + " pt",
        Format.Money => v.ToString("#,0.00", En),
        _ => v.ToString("0.00", En),
    };
}
