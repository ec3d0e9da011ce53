using System.Net.Http.Json;
using System.Text.Json;
using Campaigns.Features.Design;
using Campaigns.Features.Dispatch;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts.Campaigns;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Dispatch;

/// <summary>
/// Campaigns with its own database and vhost for dispatch tests: campaigns, assignments, customers and responses are
/// written straight into its tables (as design, launch and the consumers would), and a launch is the launch listener
/// called in a transaction, as the launch calls it.
/// </summary>
public sealed class DispatchTestHost : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private DispatchTestHost(ServiceTestHost<Program> host, ManualClock clock)
    {
        Host = host;
        Clock = clock;
    }

    public ServiceTestHost<Program> Host { get; }

    public ManualClock Clock { get; }

    public HttpClient Client => Host.Client;

    /// <summary>Starts the service on a manual clock set to <paramref name="now"/> (real time when null).</summary>
    public static async Task<DispatchTestHost> StartAsync(string purpose, DateTimeOffset? now = null, IReadOnlyDictionary<string, string?>? extra = null, bool onLoopback = false)
    {
        var clock = new ManualClock(now ?? DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Jobs:PollInterval"] = "00:00:00.100",
            ["Dispatch:ChunkSize"] = "50",
            ["Dispatch:RetryDelay"] = "00:00:00.050",
            // Tests move the clock on by days and then count the events in the outbox: the relay's clean-up must not
            // delete them first (it removes rows sent longer ago than this; a CI run lost one to the default 2 days).
            ["Outbox:SentRetention"] = "365.00:00:00",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = await ServiceTestHost<Program>.StartAsync(purpose, new ServiceTestHostOptions { Settings = settings, Clock = clock, OnLoopback = onLoopback });
        return new DispatchTestHost(host, clock);
    }

    /// <summary>A design with a control cell and the given cells (shares split evenly), one wave starting now unless <paramref name="waves"/>.</summary>
    public static CampaignDesign NewDesign(string code, IReadOnlyList<CampaignCell> cells, decimal? budget = null, int responseWindowDays = 14, IReadOnlyList<CampaignWave>? waves = null) => new()
    {
        Code = code,
        Name = code,
        Objective = "retention",
        Kind = "platform",
        SegmentId = Guid.NewGuid(),
        ResponseWindowDays = responseWindowDays,
        Budget = budget,
        Currency = "EUR",
        Offers = [new CampaignOffer { Code = "ten", Kind = "discount", Value = 10, CostPerRedemption = 10 }],
        Cells = [new CampaignCell { Code = CampaignDesign.ControlCell, Share = 0.2, IsControl = true, Steps = [] }, .. cells],
        Waves = waves ?? [],
    };

    /// <summary>A treatment cell with the given steps.</summary>
    public static CampaignCell Cell(string code, params CampaignStep[] steps) => new() { Code = code, Share = 0.8, IsControl = false, OfferCode = "ten", Steps = steps };

    /// <summary>A step.</summary>
    public static CampaignStep Step(int number, string[] channels, int dayOffset = 0, string condition = "always", decimal cost = 1m) => new()
    {
        Number = number, Channels = channels, DayOffset = dayOffset, Condition = condition, CostPerContact = cost,
    };

    /// <summary>Inserts a draft campaign launched now; returns its id.</summary>
    public async Task<Guid> AddCampaignAsync(CampaignDesign design)
    {
        var id = Guid.NewGuid();
        await Host.ExecuteAsync("""
            INSERT INTO campaigns (id, code, name, kind, objective, segment_id, design, status, launch_state, created_at, updated_at, launched_at)
            VALUES (@id, @Code, @Name, 'platform', @Objective, @SegmentId, @design::jsonb, 'scheduled', 'assigned', @now, @now, @now)
            """, new { id, design.Code, design.Name, design.Objective, design.SegmentId, design = JsonSerializer.Serialize(design, Json), now = Clock.GetUtcNow() });
        return id;
    }

    /// <summary>Inserts a customer with contact details and consents (all given unless stated).</summary>
    public async Task<Guid> AddCustomerAsync(
        string? email = "x@example.org", string? phone = "+4930123456", string? address = "Hauptstr. 1", string country = "DE", string? region = null,
        bool? consentEmail = true, bool? consentSms = true, bool? consentMail = true, bool? consentPhone = true, string firstName = "Ann")
    {
        var id = Guid.NewGuid();
        await Host.ExecuteAsync("""
            INSERT INTO customers (customer_id, version, first_name, last_name, email, phone, address_line, postal_code, city, region, country,
                                   consent_email, consent_sms, consent_mail, consent_phone)
            VALUES (@id, 1, @firstName, 'Smith', @email, @phone, @address, '10115', 'Berlin', @region, @country,
                    @consentEmail, @consentSms, @consentMail, @consentPhone)
            """, new { id, firstName, email, phone, address, region, country, consentEmail, consentSms, consentMail, consentPhone });
        return id;
    }

    /// <summary>Assigns <paramref name="customerId"/> to <paramref name="cell"/> of <paramref name="wave"/>.</summary>
    public Task AssignAsync(Guid campaignId, Guid customerId, string cell, int wave = 1, double? clv = null, decimal netRevenue = 0) =>
        Host.ExecuteAsync("""
            INSERT INTO assignments (campaign_id, customer_id, cell, wave, global_control, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle)
            VALUES (@campaignId, @customerId, @cell, @wave, @global, NULL, @clv, false, @netRevenue, 0, 'customer')
            """, new { campaignId, customerId, cell, wave, global = cell == CampaignDesign.GlobalControlCell, clv, netRevenue });

    /// <summary>Gives the campaign a launch snapshot holding <paramref name="customers"/> with every consent given at launch.</summary>
    public async Task AddLaunchSnapshotAsync(Guid campaignId, params Guid[] customers)
    {
        var snapshotId = Guid.NewGuid();
        await Host.ExecuteAsync("""
            INSERT INTO snapshots (snapshot_id, campaign_id, purpose, segment_id, requested_at, status) VALUES (@snapshotId, @campaignId, 'launch', gen_random_uuid(), now(), 'complete');
            UPDATE campaigns SET snapshot_id = @snapshotId WHERE id = @campaignId;
            INSERT INTO snapshot_members (snapshot_id, customer_id, deal_seeker, consent_email, consent_sms, consent_mail, consent_phone)
            SELECT @snapshotId, c, false, true, true, true, true FROM unnest(@customers) AS c;
            """, new { snapshotId, campaignId, customers });
    }

    /// <summary>Records a response (as the ResponsesRecorded consumer would).</summary>
    public Task AddResponseAsync(string campaignCode, Guid customerId, string channel, string type) =>
        Host.ExecuteAsync("""
            INSERT INTO responses (response_id, campaign_code, customer_id, channel, type, occurred_at) VALUES (@id, @campaignCode, @customerId, @channel, @type, @at)
            """, new { id = Guid.NewGuid(), campaignCode, customerId, channel, type, at = Clock.GetUtcNow() });

    /// <summary>Tells dispatch the campaign is assigned, in a transaction of its own (as the launch's last one).</summary>
    public async Task LaunchAsync(Guid campaignId)
    {
        var listener = Host.App.Services.GetRequiredService<ICampaignLaunchListener>();
        await using var connection = await Host.Database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await listener.OnCampaignAssignedAsync(tx, campaignId, CancellationToken.None);
        await tx.CommitAsync();
    }

    /// <summary>The contacts ledger of a campaign's step.</summary>
    public Task<List<ContactRow>> ContactsAsync(Guid campaignId, int? step = null) =>
        Host.QueryAsync<ContactRow>("""
            SELECT contact_id AS ContactId, customer_id AS CustomerId, cell, wave, step, channel, cost, at, status, block_reason AS BlockReason
            FROM contacts WHERE campaign_id = @campaignId AND (@step::int IS NULL OR step = @step) ORDER BY contact_id
            """, new { campaignId, step });

    /// <summary>Waits until step <paramref name="step"/> of the campaign has <paramref name="count"/> ledger rows; returns them.</summary>
    public async Task<List<ContactRow>> WaitForContactsAsync(Guid campaignId, int step, int count)
    {
        await Eventually.TrueAsync(async () => (await ContactsAsync(campaignId, step)).Count >= count, $"{count} contacts in step {step}");
        return await ContactsAsync(campaignId, step);
    }

    /// <summary>The contacts published in ContactsDispatched events (outbox) for a campaign.</summary>
    public async Task<List<ContactRecord>> PublishedContactsAsync(Guid campaignId)
    {
        var bodies = await Host.QueryAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Campaigns.ContactsDispatched,%' ORDER BY sequence");
        return bodies.Select(b => JsonSerializer.Deserialize<ContactsDispatched>(b, Json)!)
            .Where(m => m.CampaignId == campaignId).SelectMany(m => m.Contacts).ToList();
    }

    /// <summary>PUTs a contact policy (must be accepted).</summary>
    public async Task SetPolicyAsync(object policy)
    {
        using var response = await Client.PutAsJsonAsync("/v1/contact-policy", policy);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
