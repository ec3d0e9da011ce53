using Campaigns.Features.Dispatch;
using Campaigns.Features.Policy;
using Platform.Contracts.Campaigns;

namespace Campaigns.Tests.Dispatch;

public sealed class ContactDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly GlobalControl NoGlobalControl = new(0, Guid.NewGuid());

    [Fact]
    public void Decide_TakesTheFirstReachableChannel()
    {
        var decider = Decider(Step(["outbound_call", "email"]));

        var decision = decider.Decide(Member() with { Phone = null }, []);

        Assert.Equal(new ContactDecision(ContactOutcome.Contact, "email", null), decision);
    }

    [Theory]
    [InlineData(true, true, false, null, ContactStatus.OptedOut)]       // opt-out outranks missing consent
    [InlineData(false, false, false, "a@b.c", ContactStatus.NoConsent)]
    [InlineData(false, false, true, null, ContactStatus.NoConsent)]     // missing consent outranks missing details
    [InlineData(false, true, true, null, ContactStatus.NoContactDetails)]
    public void Decide_BlocksUnreachableMembersWithTheMostTellingReason(bool optedOutOfPhone, bool phoneConsent, bool emailConsent, string? email, string reason)
    {
        var decider = Decider(Step(["outbound_call", "email"]));
        var member = Member() with
        {
            OptedOutChannels = optedOutOfPhone ? ["phone"] : [],
            ConsentPhone = phoneConsent,
            ConsentEmail = emailConsent,
            Email = email,
            Phone = optedOutOfPhone ? "+1" : null,
        };

        Assert.Equal(new ContactDecision(ContactOutcome.Block, null, reason), decider.Decide(member, []));
    }

    [Fact]
    public void Decide_TreatsAConsentWithdrawnSinceLaunchAsAnOptOut()
    {
        var decider = Decider(Step(["email"]));

        Assert.Equal(ContactStatus.OptedOut, decider.Decide(Member() with { ConsentEmail = false, LaunchConsentEmail = true }, []).Reason);
        Assert.Equal(ContactStatus.NoConsent, decider.Decide(Member() with { ConsentEmail = false, LaunchConsentEmail = false }, []).Reason);
        Assert.Equal(ContactStatus.NoConsent, decider.Decide(Member() with { ConsentEmail = null, LaunchConsentEmail = true }, []).Reason);
    }

    [Fact]
    public void Decide_HoldsOutGlobalControlBeforeAnythingElse()
    {
        var member = Member();
        var salt = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).First(s => new GlobalControl(0.49, s).Contains(member.CustomerId));
        var decider = new ContactDecider(ContactPolicy.Default, new GlobalControl(0.49, salt), Step(["email"]), Now, null, 0, new Dictionary<string, int>());

        Assert.Equal(ContactStatus.GlobalControl, decider.Decide(member with { Responded = true }, []).Reason);
    }

    [Fact]
    public void Decide_CountsItsOwnContactsInCapsCapacityAndBudget()
    {
        var policy = ContactPolicy.Default with
        {
            FrequencyCaps = [new FrequencyCap("email", 2, 7)],
            DailyCapacity = new Dictionary<string, int> { ["email"] = 2 },
        };
        var decider = new ContactDecider(policy, NoGlobalControl, Step(["email"], cost: 3), Now, budget: 7, spent: 1, new Dictionary<string, int> { ["email"] = 1 });
        var history = new List<(string, DateTimeOffset)> { ("email", Now.AddDays(-6)), ("sms", Now.AddDays(-1)) };

        Assert.Equal(ContactOutcome.Contact, decider.Decide(Member(), history).Outcome);
        Assert.Equal(ContactStatus.FrequencyCap, decider.Decide(Member(), history).Reason); // the contact just made counts
        var full = decider.Decide(Member(), []);
        Assert.Equal((ContactOutcome.Defer, ContactStatus.Capacity, policy.NextDayStart(Now)), (full.Outcome, full.Reason, full.NotBefore));
    }

    [Fact]
    public void Decide_StopsAtTheBudget()
    {
        var decider = new ContactDecider(ContactPolicy.Default, NoGlobalControl, Step(["email"], cost: 3), Now, budget: 7, spent: 1, new Dictionary<string, int>());

        Assert.Equal(ContactOutcome.Contact, decider.Decide(Member(), []).Outcome); // 4
        Assert.Equal(ContactOutcome.Contact, decider.Decide(Member(), []).Outcome); // 7: at the ceiling, not over it
        Assert.Equal(ContactStatus.Budget, decider.Decide(Member(), []).Reason);
    }

    [Fact]
    public void Decide_FollowsTheStepCondition()
    {
        Assert.Equal(ContactStatus.Responded, Decider(Step(["email"], "no_response_yet")).Decide(Member() with { Responded = true }, []).Reason);
        Assert.Equal(ContactOutcome.Contact, Decider(Step(["email"], "no_response_yet")).Decide(Member() with { PreviousReached = true }, []).Outcome);
        Assert.Equal(ContactStatus.Reached, Decider(Step(["email"], "not_reached")).Decide(Member() with { PreviousReached = true }, []).Reason);
        Assert.Equal(ContactOutcome.Contact, Decider(Step(["email"])).Decide(Member() with { Responded = true, PreviousReached = true }, []).Outcome);
    }

    private static ContactDecider Decider(CampaignStep step) => new(ContactPolicy.Default, NoGlobalControl, step, Now, null, 0, new Dictionary<string, int>());

    private static CampaignStep Step(string[] channels, string condition = "always", decimal cost = 1) =>
        new() { Number = 1, Channels = channels, DayOffset = 0, Condition = condition, CostPerContact = cost };

    private static MemberCandidate Member() => new()
    {
        CustomerId = Guid.NewGuid(), Email = "a@example.org", Phone = "+4930123", AddressLine = "Weg 1",
        ConsentEmail = true, ConsentSms = true, ConsentMail = true, ConsentPhone = true,
    };
}
