using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd.ResultsPages;

/// <summary>
/// Every service with a campaign that has results: an acquisition campaign run elsewhere (its name an XSS attempt) with
/// a control and two treated cells (mail; mail then a call to non-responders), 2,400 prospects imported through
/// Ingestion, assignments and contacts through Campaigns' import, clicks as responses and orders (first purchases in the
/// window, repeat purchases 20 and 100 days later) through Ingestion's bulk imports; ready once Measurement holds every
/// member, response and purchase. A draft campaign beside it has no results. Seeded: the same figures every run.
/// </summary>
public sealed class ResultsCampaign : IAsyncLifetime
{
    public const string Name = "<script>alert(1)</script> Spring \"welcome\" & co";
    public const string Source = "results-e2e";
    public const int Prospects = 2_400;
    public static readonly DateTimeOffset StartedAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public AllServices Services { get; } = new();

    public Guid CampaignId { get; private set; }

    public Guid DraftId { get; private set; }

    /// <summary>A key holding only the marketer scope: what a marketer signs in with.</summary>
    public string MarketerKey { get; private set; } = "";

    public string Code { get; } = "RES-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public async Task InitializeAsync()
    {
        await Services.InitializeAsync();
        MarketerKey = await Services.CreateKeyAsync("results pages: a marketer", [Scopes.Marketer]);
        using var client = Services.CreateClient(TimeSpan.FromMinutes(5));
        var random = new Random(20260302);
        var cells = Enumerable.Range(0, Prospects).Select(i => (i % 5) switch { 0 => "control", 1 or 2 => "mail", _ => "mail_call" }).ToArray();
        var rates = new Dictionary<string, double> { ["control"] = 0.04, ["mail"] = 0.08, ["mail_call"] = 0.13 };
        var customers = new StringBuilder("source,external_id,lifecycle\n");
        var assignments = new StringBuilder("source,external_id,cell,net_revenue_365\n");
        var contacts = new StringBuilder("source,external_id,channel,at,cost,step\n");
        var responses = new StringBuilder("source,campaign_code,customer_source,customer_external_id,channel,type,occurred_at\n");
        var orders = new StringBuilder("source,order_id,customer_source,customer_external_id,occurred_at,gross_amount,cost_amount\n");
        int responseCount = 0, orderCount = 0;
        for (var i = 0; i < Prospects; i++)
        {
            var cell = cells[i];
            customers.Append(CultureInfo.InvariantCulture, $"{Source},{i},prospect\n");
            assignments.Append(CultureInfo.InvariantCulture, $"{Source},{i},{cell},{(random.NextDouble() < 0.3 ? random.Next(10, 300) : 0)}\n");
            var responded = random.NextDouble() < rates[cell];
            if (cell != "control")
            {
                contacts.Append(CultureInfo.InvariantCulture, $"{Source},{i},direct_mail,{Time(StartedAt)},0.85,1\n");
                if (cell == "mail_call" && !responded && random.NextDouble() < 0.7)
                {
                    contacts.Append(CultureInfo.InvariantCulture, $"{Source},{i},outbound_call,{Time(StartedAt.AddDays(7))},3.50,2\n");
                }
            }

            if (!responded)
            {
                continue;
            }

            responses.Append(CultureInfo.InvariantCulture, $"{Source}-web,{Code},{Source},{i},web,clicked,{Time(StartedAt.AddDays(3))}\n");
            responseCount++;
            if (random.NextDouble() < 0.6)
            {
                orders.Append(CultureInfo.InvariantCulture, $"{Source}-shop,{i}-1,{Source},{i},{Time(StartedAt.AddDays(5))},{random.Next(20, 120)}.00,{random.Next(5, 15)}.00\n");
                orderCount++;
                foreach (var days in new[] { 20, 100 })
                {
                    if (random.NextDouble() < 0.35)
                    {
                        orders.Append(CultureInfo.InvariantCulture, $"{Source}-shop,{i}-{days},{Source},{i},{Time(StartedAt.AddDays(5 + days))},{random.Next(20, 90)}.00,{random.Next(5, 15)}.00\n");
                        orderCount++;
                    }
                }
            }
        }

        await CsvUploads.ImportAsync(client, "customers", customers.ToString(), "");
        await using (var campaignsDb = await Services.Databases["campaigns"].OpenAsync())
        {
            await Eventually.TrueAsync(async () => await campaignsDb.ExecuteScalarAsync<long>("SELECT count(*) FROM customers") >= Prospects,
                "the prospects known to Campaigns", TimeSpan.FromMinutes(3));
        }

        CampaignId = await CreateAsync(client, Code, Name, steps: true);
        DraftId = await CreateAsync(client, Code + "-DRAFT", "Draft & not launched", steps: false);
        var start = Time(StartedAt);
        await CsvUploads.PostAsync(client, $"/campaigns/v1/campaigns/{CampaignId}/assignments?startedAt={Uri.EscapeDataString(start)}", assignments.ToString());
        await CsvUploads.PostAsync(client, $"/campaigns/v1/campaigns/{CampaignId}/contacts", contacts.ToString());
        await CsvUploads.ImportAsync(client, "responses", responses.ToString(), "");
        await CsvUploads.ImportAsync(client, "transactions", orders.ToString(), "&currency=EUR");

        await using var measurementDb = await Services.Databases["measurement"].OpenAsync();
        await Eventually.TrueAsync(async () =>
        {
            var (members, responsesHeld, purchases) = await measurementDb.QuerySingleAsync<(long, long, long)>("""
                SELECT (SELECT coalesce(sum(members), 0)::bigint FROM cell_stats WHERE campaign_id = @CampaignId),
                       (SELECT count(*) FROM responses), (SELECT count(*) FROM purchases)
                """, new { CampaignId });
            return members == Prospects && responsesHeld == responseCount && purchases == orderCount;
        }, "every member, response and purchase in Measurement", TimeSpan.FromMinutes(5));
    }

    public Task DisposeAsync() => Services.DisposeAsync();

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<Guid> CreateAsync(HttpClient client, string code, string name, bool steps)
    {
        var created = await client.PostAsJsonAsync("/campaigns/v1/campaigns", new
        {
            code,
            name,
            objective = "acquisition",
            kind = "external",
            responseWindowDays = 14,
            currency = "EUR",
            controlShare = 0.2,
            cells = new object[]
            {
                new { code = "mail", share = 0.4, steps = steps ? new object[] { new { channel = "direct_mail", dayOffset = 0, costPerContact = 0.85 } } : [] },
                new
                {
                    code = "mail_call",
                    share = 0.4,
                    steps = steps
                        ? new object[]
                        {
                            new { channel = "direct_mail", dayOffset = 0, costPerContact = 0.85 },
                            new { channel = "outbound_call", dayOffset = 7, condition = "no_response_yet", costPerContact = 3.5 },
                        }
                        : [],
                },
            },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
