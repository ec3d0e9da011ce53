using Platform.Contracts.Campaigns;
using Platform.Contracts.Ingestion;
using static Measurement.IntegrationTests.Attribution.TestEvents;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>
/// A random but reproducible (seeded) set of events of two overlapping campaigns: launches, assignment batches, contacts
/// (dispatched, exported, blocked, two steps), responses of every type, purchases before, inside and after the windows
/// (returns, offer codes), a completion. Each event is a message; the tests deliver them in different orders.
/// </summary>
internal static class RandomScenario
{
    private static readonly string[] ResponseTypes = ["delivered", "undeliverable", "opened", "clicked", "answered", "inbound-call", "replied", "converted", "opted-out"];
    private static readonly string[] Tiers = ["top", "middle", "bottom"];

    public static List<object> Events(int seed, int customers = 24)
    {
        var random = new Random(seed);
        var events = new List<object>();
        var ids = Enumerable.Range(0, customers).Select(_ => new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 16))).ToArray();
        Guid x = Guid.NewGuid(), y = Guid.NewGuid();
        var codeX = "RX" + seed;
        var codeY = "RY" + seed;
        events.Add(Campaign(x, codeX, windowDays: 20));
        events.Add(Campaign(y, codeY, windowDays: 40, waveStart: WaveStart.AddDays(7)));
        events.Add(new CampaignCompleted { CampaignId = x, Status = "completed", At = WaveStart.AddDays(60) });

        foreach (var (campaign, code, start) in new[] { (x, codeX, WaveStart), (y, codeY, WaveStart.AddDays(7)) })
        {
            var members = ids.Where(_ => random.NextDouble() < 0.8).Select(c => Member(
                c,
                random.Next(10) switch { 0 => "global_control", < 5 => "control", _ => "mail" },
                preRevenue: random.Next(0, 500) + random.Next(100) / 100m,
                tier: random.Next(4) == 0 ? null : Tiers[random.Next(3)])).Select(m => m with { GlobalControl = m.Cell == "global_control" }).ToArray();
            var half = members.Length / 2;
            events.Add(Batch(campaign, 1, 2, members[..half]));
            events.Add(Batch(campaign, 2, 2, members[half..]));

            var contacts = new List<ContactRecord>();
            foreach (var m in members.Where(m => m.Cell == "mail"))
            {
                contacts.Add(Contact(m.CustomerId, start.AddHours(random.Next(0, 72)), step: 1,
                    status: random.Next(5) switch { 0 => "blocked", 1 => "exported", _ => "dispatched" }));
                if (random.Next(2) == 0)
                {
                    contacts.Add(Contact(m.CustomerId, start.AddDays(3).AddHours(random.Next(0, 24)), step: 2, cost: 0.25m,
                        status: random.Next(4) == 0 ? "blocked" : "dispatched"));
                }
            }

            for (var i = 0; i < contacts.Count; i += 7)
            {
                events.Add(Contacts(campaign, [.. contacts.Skip(i).Take(7)]));
            }

            var responses = members.Where(_ => random.Next(3) == 0)
                .Select(m => Response(m.CustomerId, code, ResponseTypes[random.Next(ResponseTypes.Length)], start.AddHours(random.Next(-24, 24 * 45)))).ToArray();
            if (responses.Length > 0)
            {
                events.Add(Responses(responses));
            }
        }

        var purchases = new List<TransactionRecord>();
        foreach (var c in ids)
        {
            for (var n = random.Next(0, 5); n > 0; n--)
            {
                var isReturn = random.Next(6) == 0;
                var gross = random.Next(5, 300) + random.Next(100) / 100m;
                purchases.Add(Purchase(c, WaveStart.AddHours(random.Next(-24 * 10, 24 * 130)), isReturn ? -gross : gross,
                    discount: isReturn ? 0 : random.Next(0, 5), cost: random.Next(3) == 0 ? null : Math.Round(gross / 3, 2),
                    isReturn: isReturn, promotion: random.Next(4) == 0 ? "SAVE10" : null, campaignCode: random.Next(8) == 0 ? codeY : null));
            }
        }

        for (var i = 0; i < purchases.Count; i += 10)
        {
            events.Add(Purchases([.. purchases.Skip(i).Take(10)]));
        }

        return events;
    }
}
