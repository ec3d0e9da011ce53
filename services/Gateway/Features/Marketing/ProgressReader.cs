using System.Text.Json;

namespace Gateway.Features.Marketing;

/// <summary>A campaign's progress from Campaigns' view of it and, when there, Measurement's results (counts and channel steps).</summary>
public static class ProgressReader
{
    public static CampaignProgress? Of(JsonElement? campaign, JsonElement? results)
    {
        if (campaign is null && results is null)
        {
            return null;
        }

        var header = results.Prop("campaign");
        List<CellProgress>? cells = null;
        ContactSummary? contacts = null;
        if (results is not null)
        {
            cells = [];
            long made = 0, dispatched = 0, exported = 0, blocked = 0;
            double cost = 0;
            var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var figures = results.Items("cells").ToList();
            if (results.Prop("globalControl") is { } global)
            {
                figures.Add(global);
            }

            foreach (var cell in figures.Select(c => (JsonElement?)c))
            {
                cells.Add(new CellProgress(cell.Text("cell") ?? "", cell.Whole("assigned") ?? 0, cell.Whole("contacted") ?? 0,
                    cell.Whole("responders") ?? 0, cell.Whole("converters") ?? 0));
                foreach (var step in cell.Items("bySteps").Select(s => (JsonElement?)s))
                {
                    made += step.Whole("contacted") ?? 0;
                    dispatched += step.Whole("dispatched") ?? 0;
                    exported += step.Whole("exported") ?? 0;
                    blocked += step.Whole("blocked") ?? 0;
                    cost += step.Number("cost") ?? 0;
                    if (step.Prop("blockedByReason") is { ValueKind: JsonValueKind.Object } byReason)
                    {
                        foreach (var reason in byReason.EnumerateObject())
                        {
                            reasons[reason.Name] = reasons.GetValueOrDefault(reason.Name) + (reason.Value.TryGetInt64(out var n) ? n : 0);
                        }
                    }
                }
            }

            contacts = new ContactSummary(made, dispatched, exported, blocked, reasons, cost);
        }

        return new CampaignProgress(
            campaign.Text("status") ?? header.Text("status"),
            campaign.Text("launchState"),
            campaign.Text("launchError"),
            (int?)campaign.Whole("memberCount") ?? (int?)header.Whole("memberCount"),
            (int?)campaign.Whole("assignedCount"),
            campaign.Time("launchedAt") ?? header.Time("launchedAt"),
            campaign.Time("finishedAt") ?? header.Time("completedAt"),
            cells,
            contacts);
    }
}
