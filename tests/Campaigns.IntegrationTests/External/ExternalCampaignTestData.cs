using System.Text.Json;
using Campaigns.Features.Design;
using Platform.Contracts.Campaigns;
using Platform.Testing;

namespace Campaigns.IntegrationTests.External;

/// <summary>Campaign rows and customers written straight into Campaigns' tables, so an import test controls what the import sees.</summary>
internal static class ExternalCampaignTestData
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A draft campaign of <paramref name="kind"/> with cells <c>control</c> + <paramref name="cells"/> (equal shares) and <paramref name="waves"/> waves.</summary>
    public static async Task<Guid> AddCampaignAsync(ServiceTestHost<Program> host, string code, string[] cells, string kind = "external", int waves = 0)
    {
        var id = Guid.CreateVersion7();
        var share = 1.0 / (cells.Length + 1);
        var design = new CampaignDesign
        {
            Code = code,
            Name = code,
            Objective = "retention",
            Kind = kind,
            ResponseWindowDays = 14,
            Currency = "USD",
            Offers = [],
            Cells = [new CampaignCell { Code = CampaignDesign.ControlCell, Share = share, IsControl = true, Steps = [] },
                     .. cells.Select(c => new CampaignCell
                     {
                         Code = c, Share = share, IsControl = false,
                         Steps = [new CampaignStep { Number = 1, Channels = ["email"], DayOffset = 0, Condition = "always", CostPerContact = 0.1m }],
                     })],
            Waves = Enumerable.Range(1, waves).Select(w => new CampaignWave
            {
                Number = w, Share = 1.0 / waves, StartsAt = new DateTimeOffset(2026, 3, w, 0, 0, 0, TimeSpan.Zero),
            }).ToList(),
        };
        await host.ExecuteAsync("""
            INSERT INTO campaigns (id, code, name, kind, objective, design, created_at, updated_at)
            VALUES (@id, @code, @code, @kind, 'retention', @design::jsonb, now(), now())
            """, new { id, code, kind, design = JsonSerializer.Serialize(design, Json) });
        return id;
    }

    /// <summary>Customers of source <paramref name="source"/> with external ids 1..<paramref name="count"/>, known to Campaigns.</summary>
    public static Task AddCustomersAsync(ServiceTestHost<Program> host, string source, int count) => host.ExecuteAsync("""
        INSERT INTO customers (customer_id, version, email, consent_email)
        SELECT id, 1, 'c' || i || '@example.com', true FROM unnest(@ids) WITH ORDINALITY AS t(id, i)
        """, new { ids = Enumerable.Range(1, count).Select(i => Platform.Data.DeterministicGuid.ForCustomer(source, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray() });
}
