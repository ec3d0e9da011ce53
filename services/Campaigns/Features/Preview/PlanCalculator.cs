using Campaigns.Features.Channels;
using Campaigns.Features.Design;
using Platform.Numerics.Statistics;

namespace Campaigns.Features.Preview;

/// <summary>Turns the counts of <see cref="PlanCounts"/> into a preview's figures. Pure: no I/O.</summary>
public static class PlanCalculator
{
    /// <summary>The global control's role and code.</summary>
    public const string GlobalControl = CampaignDesign.GlobalControlCell;

    public static PlanFigures Compute(CampaignDesign design, IReadOnlyList<MemberCount> counts, double globalControlShare, PreviewParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(parameters);
        var waveShares = design.Waves.Count == 0 ? [1.0] : design.Waves.Select(w => w.Share).ToList();
        var p = parameters;
        var control = Members(counts, 0);
        var target = counts.Where(c => c.Cell >= 0).Sum(c => c.Members);
        var absoluteLift = p.RelativeLiftToDetect is { } relative ? p.BaselineResponseRate * relative : (double?)null;

        var cells = new List<CellFigures>();
        for (var i = 0; i < design.Cells.Count; i++)
        {
            var cell = design.Cells[i];
            var members = Members(counts, i);
            CellCost? cost = null;
            DetectableLift? mdl = null;
            double? controlShareNeeded = null;
            if (!cell.IsControl)
            {
                cost = Cost(cell, design, counts.Where(c => c.Cell == i).ToList(), p.BaselineResponseRate);
                if (Power.MinimumDetectableRateLift(p.BaselineResponseRate, control, members, p.Power, p.Alpha) is { } absolute)
                {
                    mdl = new DetectableLift(absolute, absolute / p.BaselineResponseRate);
                }

                if (absoluteLift is { } lift && target > 0)
                {
                    controlShareNeeded = Power.ControlSizeNeeded(p.BaselineResponseRate, lift, members, p.Power, p.Alpha) / target;
                }
            }

            cells.Add(new CellFigures(cell.Code, cell.IsControl ? "control" : "treated", cell.Share, members, ByWave(counts, i, waveShares.Count),
                Reachable(counts.Where(c => c.Cell == i)), cost, mdl, controlShareNeeded));
        }

        cells.Add(new CellFigures(GlobalControl, GlobalControl, null, Members(counts, -1), ByWave(counts, -1, waveShares.Count),
            Reachable(counts.Where(c => c.Cell == -1)), null, null, null));

        var waves = waveShares.Select((share, w) => new WaveFigures(w + 1, share, counts.Where(c => c.Wave == w).Sum(c => c.Members))).ToList();
        var estimated = cells.Sum(c => c.Cost?.Total ?? 0);
        var budget = new BudgetFigures(design.Currency, estimated, design.Budget, design.Budget is { } b ? estimated <= b : null, design.Budget - estimated);
        var liftFigures = absoluteLift is { } a
            ? new LiftFigures(p.RelativeLiftToDetect!.Value, a, Power.ControlShareNeeded(p.BaselineResponseRate, a, target, p.Power, p.Alpha), design.Cells[0].Share)
            : null;
        return new PlanFigures(counts.Sum(c => c.Members), globalControlShare, cells, waves, Reachable(counts.Where(c => c.Cell >= 0)), budget, liftFigures);
    }

    private static CellCost Cost(Platform.Contracts.Campaigns.CampaignCell cell, CampaignDesign design, List<MemberCount> counts, double baseline)
    {
        var steps = cell.Steps.Select(step =>
        {
            var mask = ChannelNames.Mask(step.Channels);
            var contacts = counts.Where(c => (c.Mask & mask) != 0).Sum(c => c.Members);
            return new StepCost(step.Number, step.Channels, contacts, step.CostPerContact, contacts * step.CostPerContact);
        }).ToList();
        var anyStep = ChannelNames.Mask(cell.Steps.SelectMany(s => s.Channels).Distinct());
        var contacted = counts.Where(c => (c.Mask & anyStep) != 0).Sum(c => c.Members);
        var offer = cell.OfferCode is null ? null : design.Offers.FirstOrDefault(o => o.Code == cell.OfferCode);
        var redemptions = baseline * contacted;
        var redemptionCost = offer is null ? 0m : decimal.Round((decimal)redemptions * offer.CostPerRedemption, 2);
        var contactCost = steps.Sum(s => s.Cost);
        return new CellCost(steps, contactCost, contacted, cell.OfferCode, offer is null ? 0 : redemptions, redemptionCost, contactCost + redemptionCost);
    }

    private static long Members(IReadOnlyList<MemberCount> counts, int cell) => counts.Where(c => c.Cell == cell).Sum(c => c.Members);

    private static List<long> ByWave(IReadOnlyList<MemberCount> counts, int cell, int waves) =>
        Enumerable.Range(0, waves).Select(w => counts.Where(c => c.Cell == cell && c.Wave == w).Sum(c => c.Members)).ToList();

    private static Dictionary<string, long> Reachable(IEnumerable<MemberCount> counts)
    {
        var list = counts.ToList();
        return ChannelNames.All.ToDictionary(ch => ch, ch => list.Where(c => (c.Mask & ChannelNames.Bit(ch)) != 0).Sum(c => c.Members), StringComparer.Ordinal);
    }
}
