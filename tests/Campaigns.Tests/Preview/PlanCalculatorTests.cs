using Campaigns.Features.Design;
using Campaigns.Features.Preview;
using Campaigns.Tests.Design;
using Platform.Numerics.Statistics;
using Platform.ServiceDefaults;

namespace Campaigns.Tests.Preview;

public sealed class PlanCalculatorTests
{
    // Masks: direct_mail 1, outbound_call 2, email 4, sms 8.
    private static readonly MemberCount[] Counts =
    [
        new(0, 0, 1, 100), new(0, 1, 0, 50),                      // control: 150
        new(1, 0, 1, 400), new(1, 0, 2 | 8, 300), new(1, 1, 0, 200), // mail_call: 900, 400 mailable, 300 by phone
        new(2, 0, 4, 600), new(2, 1, 4 | 1, 300),                 // email: 900, all e-mailable
        new(-1, 0, 4, 20), new(-1, 1, 0, 30),                     // global control: 50
    ];

    private static CampaignDesign Design()
    {
        var design = CampaignDesignValidator.Validate(CampaignDesignValidatorTests.Valid(), _ => false, new ValidationErrors());
        Assert.NotNull(design);
        return design;
    }

    [Fact]
    public void MembersPerCellAndWave_AndGlobalControlApart()
    {
        var figures = PlanCalculator.Compute(Design(), Counts, 0.05, new PreviewParameters(0.02, null, 0.8, 0.05));

        Assert.Equal(2_000, figures.MemberCount);
        Assert.Equal(["control", "mail_call", "email", "global_control"], figures.Cells.Select(c => c.Code));
        Assert.Equal(["control", "treated", "treated", "global_control"], figures.Cells.Select(c => c.Role));
        Assert.Equal([150L, 900, 900, 50], figures.Cells.Select(c => c.Members));
        Assert.Equal([100L, 50], figures.Cells[0].MembersByWave);
        Assert.Equal([700L, 200], figures.Cells[1].MembersByWave);
        Assert.Equal([20L, 30], figures.Cells[3].MembersByWave);
        Assert.Equal([1_420L, 580], figures.Waves.Select(w => w.Members));
        Assert.Null(figures.LiftToDetect);
    }

    [Fact]
    public void Reachable_PerChannel_LeavesOutTheGlobalControl()
    {
        var figures = PlanCalculator.Compute(Design(), Counts, 0.05, new PreviewParameters(0.02, null, 0.8, 0.05));

        Assert.Equal(100 + 400 + 300, figures.Reachable["direct_mail"]);
        Assert.Equal(300, figures.Reachable["outbound_call"]);
        Assert.Equal(300, figures.Reachable["sms"]);
        Assert.Equal(900, figures.Reachable["email"]);
        Assert.Equal(20, figures.Cells[3].Reachable["email"]);
    }

    [Fact]
    public void Cost_CountsEveryStepsReachableMembers_PlusRedemptions_AgainstTheBudget()
    {
        var figures = PlanCalculator.Compute(Design(), Counts, 0.05, new PreviewParameters(0.02, null, 0.8, 0.05));

        var mailCall = figures.Cells[1].Cost!;
        // Step 1 mail: 400 × 0.90; step 2 call or SMS: 300 × 4.00; 700 contacted × 2% × 8.50 redeemed.
        Assert.Equal([400L, 300], mailCall.Steps.Select(s => s.Contacts));
        Assert.Equal(360m + 1_200m, mailCall.ContactCost);
        Assert.Equal(700, mailCall.MembersContacted);
        Assert.Equal(14, mailCall.ExpectedRedemptions, 1e-9);
        Assert.Equal(119m, mailCall.RedemptionCost);
        Assert.Equal(1_679m, mailCall.Total);
        var email = figures.Cells[2].Cost!;
        Assert.Equal(9m, email.Total); // 900 × 0.01, no offer
        Assert.Null(figures.Cells[0].Cost);
        Assert.Equal(new BudgetFigures("EUR", 1_688m, 50_000m, true, 48_312m), figures.Budget);
    }

    [Fact]
    public void Power_PerTreatedCellAgainstControl_AndControlShareForTheStatedLift()
    {
        var figures = PlanCalculator.Compute(Design(), Counts, 0.05, new PreviewParameters(0.2, 0.5, 0.8, 0.05));

        var mdl = figures.Cells[1].MinimumDetectableLift!;
        Assert.Equal(Power.MinimumDetectableRateLift(0.2, 150, 900, 0.8, 0.05)!.Value, mdl.Absolute, 1e-12);
        Assert.Equal(mdl.Absolute / 0.2, mdl.Relative, 1e-12);
        Assert.Null(figures.Cells[0].MinimumDetectableLift);
        var lift = figures.LiftToDetect!;
        Assert.Equal(0.1, lift.AbsoluteLift, 1e-12);
        Assert.Equal(Power.ControlShareNeeded(0.2, 0.1, 1_950, 0.8, 0.05)!.Value, lift.ControlShareNeeded!.Value, 1e-12);
        Assert.Equal(0.1, lift.DesignedControlShare);
        Assert.Equal(Power.ControlSizeNeeded(0.2, 0.1, 900, 0.8, 0.05)!.Value / 1_950, figures.Cells[1].ControlShareNeeded!.Value, 1e-12);
    }
}
