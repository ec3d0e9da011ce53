namespace Campaigns.IntegrationTests.Design;

/// <summary>Campaign designs as a marketer posts them (plain JSON objects).</summary>
public static class CampaignRequests
{
    /// <summary>A valid design: 10% control, a mail-then-call cell with an offer and an e-mail cell, two waves.</summary>
    public static Dictionary<string, object?> Valid(string code, Guid segmentId, string name = "Spring reactivation") => new()
    {
        ["code"] = code,
        ["name"] = name,
        ["objective"] = "win_back",
        ["segmentId"] = segmentId,
        ["responseWindowDays"] = 30,
        ["budget"] = 50_000m,
        ["currency"] = "EUR",
        ["offers"] = new object[] { new { code = "TEN", kind = "discount", value = 10m, costPerRedemption = 8.5m, deadline = "2026-06-30T23:59:59Z" } },
        ["controlShare"] = 0.1,
        ["cells"] = new object[]
        {
            new
            {
                code = "mail_call", share = 0.45, offerCode = "TEN",
                steps = new object[]
                {
                    new { channel = "direct_mail", dayOffset = 0, costPerContact = 0.9m },
                    new { channels = new[] { "outbound_call", "sms" }, dayOffset = 7, condition = "no_response_yet", costPerContact = 4m },
                },
            },
            new { code = "email", share = 0.45, steps = new object[] { new { channel = "email", dayOffset = 0, costPerContact = 0.01m } } },
        },
        ["waves"] = new object[]
        {
            new { share = 0.3, startsAt = "2026-04-01T08:00:00Z", offerDeadline = "2026-05-01T00:00:00Z" },
            new { share = 0.7, startsAt = "2026-04-15T08:00:00+02:00" },
        },
    };
}
