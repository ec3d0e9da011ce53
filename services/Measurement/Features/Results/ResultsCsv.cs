using System.Data;
using System.Globalization;
using Sylvan.Data.Csv;

namespace Measurement.Features.Results;

/// <summary>
/// The CSV export of a campaign's results: one row per (cell, metric), flattened from the same <see cref="CampaignResults"/>
/// the JSON answer shows, so both always agree. Metric names follow the JSON paths (e.g. <c>lift.conversionRate.cuped.absolute</c>).
/// </summary>
public static class ResultsCsv
{
    public static readonly string[] Header = ["cell", "metric", "estimate", "lower", "upper", "p_value", "holm_p_value", "method"];

    public static IEnumerable<ResultsCsvRow> Rows(CampaignResults results)
    {
        foreach (var cell in results.Cells.Concat(results.GlobalControl is { } g ? [g] : []))
        {
            foreach (var row in CellRows(cell))
            {
                yield return row;
            }
        }

        foreach (var lift in results.Lifts)
        {
            foreach (var metric in lift.Metrics)
            {
                foreach (var row in LiftRows(lift.Cell, "lift." + metric.Metric, metric.Unadjusted))
                {
                    yield return row;
                }

                foreach (var row in LiftRows(lift.Cell, "lift." + metric.Metric + ".cuped", metric.Cuped))
                {
                    yield return row;
                }
            }
        }

        foreach (var m in results.Money)
        {
            yield return Row(m.Cell, "money.contactCost", new Estimate(m.Costs.ContactCost, null, "sum as recorded"));
            yield return Row(m.Cell, "money.offerCost", new Estimate(m.Costs.OfferCost, null, "sum as recorded"));
            yield return Row(m.Cell, "money.incrementalResponders", m.IncrementalResponders);
            yield return Row(m.Cell, "money.incrementalConversions", m.IncrementalConversions);
            yield return Row(m.Cell, "money.incrementalRevenue", m.IncrementalRevenue);
            if (m.IncrementalRevenueCuped is { } cuped)
            {
                yield return Row(m.Cell, "money.incrementalRevenueCuped", cuped);
            }

            yield return Row(m.Cell, "money.incrementalMargin", m.IncrementalMargin);
            yield return Row(m.Cell, "money.incrementalProfit", m.IncrementalProfit);
            yield return Row(m.Cell, "money.roi", m.Roi);
            yield return Row(m.Cell, "money.costPerIncrementalResponse", m.CostPerIncrementalResponse);
            yield return Row(m.Cell, "money.costPerIncrementalAcquisition", m.CostPerIncrementalAcquisition);
        }

        var srm = results.Health.SampleRatio;
        yield return new ResultsCsvRow("", "health.sampleRatio.chiSquare", srm.ChiSquare, null, null, srm.PValue, null, srm.Method);
        var contacts = results.Health.ControlContacts;
        yield return new ResultsCsvRow("", "health.controlContacts", contacts.CampaignControl + contacts.GlobalControl, null, null, null, null,
            "contacts dispatched or exported to control or global-control members (should be 0)");
        foreach (var d in results.Health.DetectableLift)
        {
            yield return new ResultsCsvRow(d.Cell, "health.detectableLift.conversionRate", d.ConversionRate.Absolute, null, null, null, null, d.Method);
            yield return new ResultsCsvRow(d.Cell, "health.detectableLift.revenuePerCustomer", d.RevenuePerCustomer.Absolute, null, null, null, null, d.Method);
        }
    }

    /// <summary>Writes <paramref name="rows"/> with the header, RFC 4180 (the platform's <see cref="Platform.ServiceDefaults.Csv.CsvDialect"/>: comma, double quotes).</summary>
    public static async Task WriteAsync(TextWriter output, IEnumerable<ResultsCsvRow> rows, CancellationToken ct)
    {
        using var table = new DataTable("results") { Locale = CultureInfo.InvariantCulture };
        foreach (var name in Header)
        {
            table.Columns.Add(name, typeof(string));
        }

        foreach (var r in rows)
        {
            table.Rows.Add(r.Cell, r.Metric, Number(r.Estimate), Number(r.Lower), Number(r.Upper), Number(r.PValue), Number(r.HolmPValue), r.Method);
        }

        await using var writer = CsvDataWriter.Create(output, new CsvDataWriterOptions { Delimiter = ',', Quote = '"', Escape = '"', NewLine = "\r\n" });
        using var reader = table.CreateDataReader();
        await writer.WriteAsync(reader, ct);
    }

    private static IEnumerable<ResultsCsvRow> CellRows(CellFigures c)
    {
        const string Count = "count";
        yield return Row(c.Cell, "assigned", new Estimate(c.Assigned, null, Count));
        yield return Row(c.Cell, "contacted", new Estimate(c.Contacted, null, Count));
        yield return Row(c.Cell, "reached", new Estimate(c.Reached, null, Count));
        yield return Row(c.Cell, "responders", new Estimate(c.Responders, null, Count));
        yield return Row(c.Cell, "converters", new Estimate(c.Converters, null, Count));
        yield return Row(c.Cell, "reachRate", c.ReachRate);
        yield return Row(c.Cell, "responseRate", c.ResponseRate);
        yield return Row(c.Cell, "conversionRate", c.ConversionRate);
        yield return Row(c.Cell, "perAssigned.revenue", c.PerAssigned.Revenue);
        yield return Row(c.Cell, "perAssigned.margin", c.PerAssigned.Margin);
        yield return Row(c.Cell, "perAssigned.profit", c.PerAssigned.Profit);
        if (c.PerContacted is { } p)
        {
            yield return Row(c.Cell, "perContacted.responseRate", p.ResponseRate);
            yield return Row(c.Cell, "perContacted.conversionRate", p.ConversionRate);
            yield return Row(c.Cell, "perContacted.revenue", p.PerContacted.Revenue);
            yield return Row(c.Cell, "perContacted.margin", p.PerContacted.Margin);
            yield return Row(c.Cell, "perContacted.profit", p.PerContacted.Profit);
        }
    }

    private static IEnumerable<ResultsCsvRow> LiftRows(string cell, string metric, LiftView? lift)
    {
        if (lift is null)
        {
            yield break;
        }

        yield return new ResultsCsvRow(cell, metric + ".absolute", lift.Absolute, lift.AbsoluteInterval.Lower, lift.AbsoluteInterval.Upper, lift.PValue, lift.HolmPValue, lift.Method);
        if (lift.SequentialInterval is { } s)
        {
            yield return new ResultsCsvRow(cell, metric + ".absoluteSequential", lift.Absolute, s.Lower, s.Upper, null, null, lift.SequentialMethod ?? "");
        }

        yield return new ResultsCsvRow(cell, metric + ".relative", lift.Relative, lift.RelativeInterval?.Lower, lift.RelativeInterval?.Upper, lift.PValue, lift.HolmPValue, lift.RelativeMethod);
    }

    private static ResultsCsvRow Row(string cell, string metric, Estimate e) =>
        new(cell, metric, e.Value, e.Interval?.Lower, e.Interval?.Upper, null, null, e.Method);

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
