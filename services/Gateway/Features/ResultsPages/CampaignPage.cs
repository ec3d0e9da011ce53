using System.Globalization;
using System.Text;
using Gateway.Features.Marketing;

namespace Gateway.Features.ResultsPages;

/// <summary>
/// One campaign's results page, drawn from the marketer overview (design and Measurement's results): verdicts, health,
/// response rates with their intervals, lifts against control as forest plots, money and ROI, per-customer revenue and
/// profit, waves and channel steps, and the quality of what the campaign acquired or kept. Every figure carries its JSON
/// pointer into the overview (<c>data-path</c>, e.g. <c>/results/cells/1/responseRate/value</c>) and its exact value.
/// </summary>
public static class CampaignPage
{
    public static string Render(CampaignOverview overview)
    {
        ArgumentNullException.ThrowIfNull(overview);
        var results = JsonAt.Root(overview.Results, "/results");
        var design = JsonAt.Root(overview.Design, "/design");
        var header = results["campaign"];
        var name = header["name"].Text ?? design["name"].Text ?? overview.Id.ToString();
        var currency = header["currency"].Text ?? design["currency"].Text ?? "";
        var confidence = results["settings"]["confidence"].Number ?? 0.95;
        var labels = CellLabels(design);
        string Label(string cell) => labels.TryGetValue(cell, out var l) ? l : cell;

        var body = new StringBuilder("<main>");
        body.Append("<p class=\"note\"><a href=\"/pages/campaigns\">All campaigns</a></p>")
            .Append("<h1 id=\"campaign-name\">").Append(Html.Encode(name)).Append("</h1>")
            .Append("<p class=\"meta\">").Append(Html.Encode(Describe(header, design, overview.Progress))).Append("</p>");
        foreach (var problem in overview.Problems)
        {
            body.Append("<div class=\"card warn\" data-problem=\"").Append(Html.Encode(problem.Part)).Append("\">")
                .Append(Html.Encode($"The {problem.Part} could not be read from {problem.Service}: {problem.Detail}")).Append("</div>");
        }

        if (!results.Exists)
        {
            if (overview.Problems.Count == 0)
            {
                body.Append("<div class=\"card info\">No results yet: Measurement knows a campaign from its launch on.</div>");
            }

            body.Append("</main>");
            return Html.Page(name, body.ToString());
        }

        var cells = results["cells"].Items().ToList();
        var lifts = results["lifts"].Items().ToList();
        var money = results["money"].Items().ToList();

        // Verdicts
        body.Append("<h2 id=\"verdict\">Verdict</h2><div class=\"card info\"><ul class=\"verdicts\">");
        foreach (var lift in lifts)
        {
            var cell = lift["cell"].Text ?? "";
            var response = Metric(lift, "responseRate");
            body.Append("<li data-verdict=\"").Append(Html.Encode(cell)).Append("\">")
                .Append(Html.Encode(Verdicts.Cell(Label(cell), response["absolute"].Number, response["absoluteInterval"]["lower"].Number,
                    response["absoluteInterval"]["upper"].Number, confidence)))
                .Append("</li>");
        }

        if (lifts.Count == 0)
        {
            body.Append("<li>No cell can be compared with control yet.</li>");
        }

        body.Append("</ul></div>");
        Health(body, results["health"], Label);

        // Response rate per cell
        body.Append("<h2 id=\"response-rate\">Response rate per cell</h2>")
            .Append(BarChart.Render("response-rate", $"Response rate per cell with {NumberFormat.Confidence(confidence)} Wilson intervals",
                cells.Select(c => Row(Label(c["cell"].Text ?? ""), c["cell"].Text ?? "", c["responseRate"], NumberFormat.Percent)).ToList(),
                t => NumberFormat.Percent(t)))
            .Append("<table data-table=\"cells\"><tr><th>Cell</th><th>Assigned</th><th>Contacted</th><th>Responders</th><th>Response rate (interval)</th><th>Converters</th><th>Conversion rate (interval)</th></tr>");
        foreach (var c in cells)
        {
            var cell = c["cell"].Text ?? "";
            body.Append("<tr><td>").Append(Html.Encode(Label(cell))).Append("</td>")
                .Append(Td(Html.Figure(c["assigned"], cell, "assigned", NumberFormat.Count)))
                .Append(Td(Html.Figure(c["contacted"], cell, "contacted", NumberFormat.Count)))
                .Append(Td(Html.Figure(c["responders"], cell, "responders", NumberFormat.Count)))
                .Append(Td(Html.Estimate(c["responseRate"], cell, "response-rate", NumberFormat.Percent)))
                .Append(Td(Html.Figure(c["converters"], cell, "converters", NumberFormat.Count)))
                .Append(Td(Html.Estimate(c["conversionRate"], cell, "conversion-rate", NumberFormat.Percent)))
                .Append("</tr>");
        }

        body.Append("</table><p class=\"note\">Rates per assigned member (intent to treat): everyone in a cell counts, contacted or not. Intervals: Wilson, ")
            .Append(NumberFormat.Confidence(confidence)).Append(".</p>");

        // Lift against control
        if (lifts.Count > 0)
        {
            body.Append("<h2 id=\"lift\">Lift against control</h2>");
            LiftPlot(body, lifts, "responseRate", "response-lift", "Response rate", NumberFormat.Points, t => NumberFormat.PointsBare(t), Label);
            LiftPlot(body, lifts, "conversionRate", "conversion-lift", "Conversion rate", NumberFormat.Points, t => NumberFormat.PointsBare(t), Label);
            LiftPlot(body, lifts, "revenuePerCustomer", "revenue-lift", "Revenue per customer", v => NumberFormat.Money(v, currency), t => NumberFormat.MoneyBare(t), Label);
            body.Append("<table data-table=\"lifts\"><tr><th>Cell</th><th>Metric</th><th>Lift (interval)</th><th>Relative lift (interval)</th><th>p-value</th><th>Holm p-value</th></tr>");
            foreach (var lift in lifts)
            {
                var cell = lift["cell"].Text ?? "";
                foreach (var (metric, key, format) in new (string, string, Func<double?, string>)[]
                {
                    ("Response rate", "responseRate", NumberFormat.Points),
                    ("Conversion rate", "conversionRate", NumberFormat.Points),
                    ("Revenue per customer", "revenuePerCustomer", v => NumberFormat.Money(v, currency)),
                    ("Margin per customer", "marginPerCustomer", v => NumberFormat.Money(v, currency)),
                })
                {
                    var m = Metric(lift, key);
                    var id = Kebab(key) + "-lift";
                    body.Append("<tr><td>").Append(Html.Encode(Label(cell))).Append("</td><td>").Append(metric).Append("</td>")
                        .Append(Td(Html.Figure(m["absolute"], cell, id, format) + " " + Html.Interval(m["absoluteInterval"], cell, id, format)))
                        .Append(Td(Html.Figure(m["relative"], cell, id + "-relative", NumberFormat.Percent) + " " + Html.Interval(m["relativeInterval"], cell, id + "-relative", NumberFormat.Percent)))
                        .Append(Td(Html.Figure(m["pValue"], cell, id + "-p", NumberFormat.PValue)))
                        .Append(Td(Html.Figure(m["holmPValue"], cell, id + "-holm-p", NumberFormat.PValue)))
                        .Append("</tr>");
                }
            }

            body.Append("</table><p class=\"note\">Rates by the two-proportion z-test, money per customer by Welch's t-test; relative lifts by the delta method; Holm's correction across the cells.</p>");
        }

        // Money
        if (money.Count > 0)
        {
            Func<double?, string> cash = v => NumberFormat.Money(v, currency);
            body.Append("<h2 id=\"money\">Money: return on investment</h2>")
                .Append(ForestPlot.Render("roi", $"ROI per cell with {NumberFormat.Confidence(confidence)} intervals",
                    money.Select(m => Row(Label(m["cell"].Text ?? ""), m["cell"].Text ?? "", m["roi"], NumberFormat.Percent)).ToList(),
                    t => NumberFormat.Percent(t)))
                .Append("<table data-table=\"money\"><tr><th>Cell</th><th>Cost</th><th>Incremental responders</th><th>Cost per incremental response</th><th>Incremental revenue</th><th>Incremental profit</th><th>ROI</th></tr>");
            foreach (var m in money)
            {
                var cell = m["cell"].Text ?? "";
                body.Append("<tr><td>").Append(Html.Encode(Label(cell))).Append("</td>")
                    .Append(Td(Html.Figure(m["costs"]["total"], cell, "cost", cash)))
                    .Append(Td(Html.Estimate(m["incrementalResponders"], cell, "incremental-responders", v => v is null ? NumberFormat.None : NumberFormat.Fixed(v.Value, 1))))
                    .Append(Td(Html.Estimate(m["costPerIncrementalResponse"], cell, "cost-per-incremental-response", cash)))
                    .Append(Td(Html.Estimate(m["incrementalRevenue"], cell, "incremental-revenue", cash)))
                    .Append(Td(Html.Estimate(m["incrementalProfit"], cell, "incremental-profit", cash)))
                    .Append(Td(Html.Estimate(m["roi"], cell, "roi", NumberFormat.Percent)))
                    .Append("</tr>");
            }

            body.Append("</table><p class=\"note\">Increments are the difference from control per assigned member times the cell's members. ROI = incremental profit (margin − contact and offer costs, against control's margin) ÷ the cell's costs; a cost per increment whose increment may be zero is unbounded.</p>");
        }

        // Revenue and profit per customer
        body.Append("<h2 id=\"per-customer\">Revenue and profit per customer</h2><table data-table=\"per-customer\"><tr><th>Cell</th><th>Revenue per customer</th><th>Margin per customer</th><th>Profit per customer</th></tr>");
        foreach (var c in cells)
        {
            var cell = c["cell"].Text ?? "";
            Func<double?, string> cash = v => NumberFormat.Money(v, currency);
            body.Append("<tr><td>").Append(Html.Encode(Label(cell))).Append("</td>")
                .Append(Td(Html.Estimate(c["perAssigned"]["revenue"], cell, "revenue-per-customer", cash)))
                .Append(Td(Html.Estimate(c["perAssigned"]["margin"], cell, "margin-per-customer", cash)))
                .Append(Td(Html.Estimate(c["perAssigned"]["profit"], cell, "profit-per-customer", cash)))
                .Append("</tr>");
        }

        body.Append("</table><p class=\"note\">Per assigned member, net of discounts and returns; profit = margin − contact and offer costs.</p>");
        Waves(body, cells, Label);
        Steps(body, cells, Label, currency);
        Quality(body, results["quality"], Label, currency);
        var notes = results["notes"].Items().Select(n => n.Text).Where(n => n is not null).ToList();
        if (notes.Count > 0)
        {
            body.Append("<h2 id=\"notes\">Notes</h2><ul class=\"note\">");
            foreach (var note in notes)
            {
                body.Append("<li>").Append(Html.Encode(note)).Append("</li>");
            }

            body.Append("</ul>");
        }

        body.Append("<p class=\"note\">Computed ").Append(Html.Encode(results["computedAt"].Text)).Append(" from Measurement's statistics. The same figures as JSON: <code>/marketing/v1/campaigns/")
            .Append(overview.Id.ToString("D")).Append("</code>.</p></main>");
        return Html.Page(name, body.ToString());
    }

    /// <summary>A cell's label: its code, and what it does when the design says (e.g. <c>mail_call (mail, then call)</c>).</summary>
    public static Dictionary<string, string> CellLabels(JsonAt design)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["control"] = "control (not contacted)", ["global_control"] = "global control (not contacted)" };
        foreach (var cell in design["cells"].Items())
        {
            if (cell["code"].Text is not { } code)
            {
                continue;
            }

            var steps = cell["steps"].Items().Select(s => s["channels"].Items().FirstOrDefault().Text ?? s["channel"].Text).Where(c => c is not null).Select(c => Channel(c!)).ToList();
            if (cell["isControl"].IsTrue)
            {
                labels[code] = code + " (not contacted)";
            }
            else if (steps.Count > 0 && !(steps.Count == 1 && (steps[0] == code || steps[0] == Channel(code)))) // "mail (mail)" says nothing
            {
                labels[code] = $"{code} ({string.Join(", then ", steps)})";
            }
        }

        return labels;
    }

    /// <summary>A channel's name as a marketer says it.</summary>
    public static string Channel(string channel) => channel switch
    {
        "direct_mail" => "mail",
        "outbound_call" => "call",
        "email" => "e-mail",
        "sms" => "SMS",
        _ => channel.Replace('_', ' '),
    };

    private static string Describe(JsonAt header, JsonAt design, CampaignProgress? progress)
    {
        var parts = new List<string>();
        if ((header["code"].Text ?? design["code"].Text) is { } code)
        {
            parts.Add(code);
        }

        if ((header["objective"].Text ?? design["objective"].Text) is { } objective)
        {
            parts.Add(objective.Replace('_', ' ') + " campaign");
        }

        if (progress?.Status is { } status)
        {
            parts.Add(status);
        }

        if (header["launchedAt"].Element is { } launchedAt && launchedAt.TryGetDateTimeOffset(out var launched))
        {
            parts.Add("started " + launched.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture));
        }

        if (header["completedAt"].Element is { } completedAt && completedAt.TryGetDateTimeOffset(out var completed))
        {
            parts.Add("completed " + completed.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture));
        }

        if (header["memberCount"].Number is { } members)
        {
            parts.Add(NumberFormat.Count(members) + " members");
        }

        if (header["responseWindowDays"].Number is { } window)
        {
            parts.Add($"response window {window.ToString(CultureInfo.InvariantCulture)} days");
        }

        return string.Join(" · ", parts);
    }

    private static void Health(StringBuilder body, JsonAt health, Func<string, string> label)
    {
        var srm = health["sampleRatio"];
        var contacts = health["controlContacts"];
        var (srmOk, srmText) = Verdicts.SampleRatio(srm["mismatch"].IsTrue, srm["pValue"].Number, srm["threshold"].Number ?? 0.001);
        var (contactsOk, contactsText) = Verdicts.ControlContacts(contacts["flagged"].IsTrue, (long)(contacts["campaignControl"].Number ?? 0), (long)(contacts["globalControl"].Number ?? 0));
        var healthy = srmOk && contactsOk;
        body.Append("<h2 id=\"health\">Health of the test</h2><div class=\"card ").Append(healthy ? "ok" : "warn").Append("\" data-health=\"").Append(healthy ? "healthy" : "warning").Append("\">")
            .Append("<p><strong>").Append(Html.Encode(Verdicts.Health(healthy))).Append("</strong></p><ul>")
            .Append("<li>").Append(Html.Encode(srmText)).Append(' ').Append(Html.Figure(srm["pValue"], "", "srm-p", "")).Append(Html.Figure(srm["mismatch"], "", "srm-flag", "")).Append("</li>")
            .Append("<li>").Append(Html.Encode(contactsText)).Append(' ').Append(Html.Figure(contacts["flagged"], "", "control-contacted", "")).Append("</li>");
        foreach (var d in health["detectableLift"].Items())
        {
            var cell = d["cell"].Text ?? "";
            body.Append("<li>").Append(Html.Encode(Verdicts.Detectable(label(cell), d["responseRate"]["absolute"].Number, d["power"].Number ?? 0.8, d["alpha"].Number ?? 0.05)))
                .Append(' ').Append(Html.Figure(d["responseRate"]["absolute"], cell, "detectable-response-lift", "")).Append("</li>");
        }

        body.Append("</ul></div>");
    }

    private static void LiftPlot(StringBuilder body, List<JsonAt> lifts, string metric, string name, string title, Func<double?, string> format, Func<double, string> tick, Func<string, string> label)
    {
        var rows = lifts.Select(l =>
        {
            var m = Metric(l, metric);
            var cell = l["cell"].Text ?? "";
            return new ChartRow(label(cell), cell, m["absolute"].Number, m["absoluteInterval"]["lower"].Number, m["absoluteInterval"]["upper"].Number, format(m["absolute"].Number));
        }).ToList();
        body.Append("<h3>").Append(title).Append(": difference from control</h3>")
            .Append(ForestPlot.Render(name, title + " lift against control with its interval", rows, tick));
    }

    private static void Waves(StringBuilder body, List<JsonAt> cells, Func<string, string> label)
    {
        if (!cells.Any(c => c["byWave"].Items().Count() > 1))
        {
            return;
        }

        body.Append("<h2 id=\"waves\">By wave</h2><table data-table=\"waves\"><tr><th>Cell</th><th>Wave</th><th>Assigned</th><th>Responders</th><th>Response rate (interval)</th><th>Conversion lift (interval)</th></tr>");
        foreach (var c in cells)
        {
            var cell = c["cell"].Text ?? "";
            foreach (var w in c["byWave"].Items())
            {
                var metric = "wave-" + w["key"].Raw;
                body.Append("<tr><td>").Append(Html.Encode(label(cell))).Append("</td><td>").Append(Html.Encode(w["key"].Raw)).Append("</td>")
                    .Append(Td(Html.Figure(w["assigned"], cell, metric + "-assigned", NumberFormat.Count)))
                    .Append(Td(Html.Figure(w["responders"], cell, metric + "-responders", NumberFormat.Count)))
                    .Append(Td(Html.Estimate(w["responseRate"], cell, metric + "-response-rate", NumberFormat.Percent)))
                    .Append(Td(w["conversionLift"].Exists
                        ? Html.Figure(w["conversionLift"]["absolute"], cell, metric + "-conversion-lift", NumberFormat.Points) + " " + Html.Interval(w["conversionLift"]["absoluteInterval"], cell, metric + "-conversion-lift", NumberFormat.Points)
                        : NumberFormat.None))
                    .Append("</tr>");
            }
        }

        body.Append("</table>");
    }

    private static void Steps(StringBuilder body, List<JsonAt> cells, Func<string, string> label, string currency)
    {
        if (!cells.Any(c => c["bySteps"].Items().Any()))
        {
            return;
        }

        body.Append("<h2 id=\"steps\">By channel step</h2><table data-table=\"steps\"><tr><th>Cell</th><th>Step</th><th>Channels</th><th>Contacted</th><th>Blocked</th><th>Cost</th><th>Responders</th><th>Response rate among contacted (interval)</th></tr>");
        foreach (var c in cells)
        {
            var cell = c["cell"].Text ?? "";
            foreach (var s in c["bySteps"].Items())
            {
                var metric = "step-" + s["step"].Raw;
                var channels = string.Join(", ", s["channels"].Items().Select(ch => Channel(ch["channel"].Text ?? "")));
                body.Append("<tr><td>").Append(Html.Encode(label(cell))).Append("</td><td>").Append(Html.Encode(s["step"].Raw)).Append("</td><td>").Append(Html.Encode(channels)).Append("</td>")
                    .Append(Td(Html.Figure(s["contacted"], cell, metric + "-contacted", NumberFormat.Count)))
                    .Append(Td(Html.Figure(s["blocked"], cell, metric + "-blocked", NumberFormat.Count)))
                    .Append(Td(Html.Figure(s["cost"], cell, metric + "-cost", v => NumberFormat.Money(v, currency))))
                    .Append(Td(Html.Figure(s["responders"], cell, metric + "-responders", NumberFormat.Count)))
                    .Append(Td(Html.Estimate(s["responseRateAmongContacted"], cell, metric + "-response-rate", NumberFormat.Percent)))
                    .Append("</tr>");
            }
        }

        body.Append("</table><p class=\"note\">Response rates among the contacted members of a step are for reference: who could be contacted is not random.</p>");
    }

    private static void Quality(StringBuilder body, JsonAt quality, Func<string, string> label, string currency)
    {
        if (quality["acquisition"] is { Exists: true } acquisition)
        {
            body.Append("<h2 id=\"acquisition\">Quality of what was acquired</h2><table data-table=\"acquisition\"><tr><th>Cell</th><th>Acquired</th><th>Repeat purchase within 30 / 90 / 180 days</th><th>Deal-seeker share</th><th>Mean predicted CLV</th><th>LTV/CAC</th></tr>");
            foreach (var c in acquisition["cells"].Items())
            {
                var cell = c["cell"].Text ?? "";
                var repeats = string.Join("<br>", c["repeat"].Items().Select(r =>
                    $"{Html.Encode(r["days"].Raw)} days: " + Html.Estimate(r["rate"], cell, "repeat-" + r["days"].Raw, NumberFormat.Percent)
                        + $" <span class=\"note\">of {Html.Encode(NumberFormat.Count(r["matured"].Number))}</span>"));
                body.Append("<tr><td>").Append(Html.Encode(label(cell))).Append("</td>")
                    .Append(Td(Html.Figure(c["acquired"], cell, "acquired", NumberFormat.Count)))
                    .Append(Td(repeats.Length > 0 ? repeats : NumberFormat.None))
                    .Append(Td(Html.Estimate(c["dealSeekerShare"], cell, "deal-seeker-share", NumberFormat.Percent)))
                    .Append(Td(Html.Estimate(c["meanClv"], cell, "mean-clv", v => NumberFormat.Money(v, currency))))
                    .Append(Td(c["ltvToCac"].Exists ? Html.Estimate(c["ltvToCac"], cell, "ltv-to-cac", NumberFormat.Times) : NumberFormat.None))
                    .Append("</tr>");
            }

            body.Append("</table><p class=\"note\">The acquired are a cell's converters, followed from their first purchase; repeat rates among those whose first purchase is old enough. LTV/CAC = mean predicted CLV ÷ cost per incremental acquisition.</p>");
        }

        if (quality["retention"] is { Exists: true } retention)
        {
            body.Append("<h2 id=\"retention\">Retention: still buying after 90 days</h2><table data-table=\"retention\"><tr><th>Cell</th><th>Members</th><th>Still buying (interval)</th><th>Difference from control (interval)</th></tr>");
            foreach (var c in retention["cells"].Items())
            {
                var cell = c["cell"].Text ?? "";
                body.Append("<tr><td>").Append(Html.Encode(label(cell))).Append("</td>")
                    .Append(Td(Html.Figure(c["members"], cell, "retention-members", NumberFormat.Count)))
                    .Append(Td(Html.Estimate(c["rate"], cell, "retention-share", NumberFormat.Percent)))
                    .Append(Td(c["lift"].Exists
                        ? Html.Figure(c["lift"]["absolute"], cell, "retention-lift", NumberFormat.Points) + " " + Html.Interval(c["lift"]["absoluteInterval"], cell, "retention-lift", NumberFormat.Points)
                        : NumberFormat.None))
                    .Append("</tr>");
            }

            body.Append("</table>");
            if (!retention["matured"].IsTrue)
            {
                body.Append("<p class=\"note\">Not final: the last wave started less than 90 days ago, so these shares still grow.</p>");
            }
        }
    }

    private static JsonAt Metric(JsonAt lift, string metric) =>
        lift["metrics"].Items().FirstOrDefault(m => m["metric"].Text == metric)["unadjusted"];

    private static ChartRow Row(string label, string cell, JsonAt estimate, Func<double?, string> format) =>
        new(label, cell, estimate["value"].Number, estimate["interval"]["lower"].Number, estimate["interval"]["upper"].Number, format(estimate["value"].Number));

    private static string Td(string html) => "<td>" + html + "</td>";

    private static string Kebab(string camel) => string.Concat(camel.Select(ch => char.IsUpper(ch) ? "-" + char.ToLowerInvariant(ch) : ch.ToString()));
}
