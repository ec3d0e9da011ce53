using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Campaigns.Features.Design;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Campaigns;
using Platform.Contracts.Ingestion;
using Platform.Contracts.Segmentation;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Launch;

/// <summary>
/// Campaigns on a database and vhost of its own, with campaigns written straight into its table (the design API is
/// another feature) and Segmentation's answers published from the test, as Segmentation would publish them.
/// </summary>
public sealed class LaunchTestHost : IAsyncDisposable
{
    /// <summary>How the service writes JSON (designs, outbox bodies).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private LaunchTestHost(ServiceTestHost<Program> host) => Host = host;

    public ServiceTestHost<Program> Host { get; }

    public HttpClient Client => Host.Client;

    /// <summary>Starts Campaigns; <paramref name="settings"/> adds to the test settings (e.g. <c>Campaigns:Launch:ChunkSize</c>).</summary>
    /// <summary>Starts and waits until its bus is ready (a message published earlier would find no queue bound yet).</summary>
    public static async Task<LaunchTestHost> StartAsync(
        string purpose, IReadOnlyDictionary<string, string?>? settings = null, TestVirtualHost? vhost = null, Action<IServiceCollection>? services = null)
    {
        var host = new LaunchTestHost(await ServiceTestHost<Program>.StartAsync(purpose,
            new ServiceTestHostOptions { Settings = settings, OnLoopback = false, VirtualHost = vhost, Services = services }));
        await host.WaitReadyAsync();
        return host;
    }

    /// <summary>Waits until the bus is healthy (every receive endpoint started and bound), e.g. after a restart.</summary>
    public Task WaitReadyAsync() => Host.WaitBusReadyAsync();

    /// <summary>Cells: control 20 %, a 40 %, b 40 %.</summary>
    public static IReadOnlyList<CampaignCell> ThreeCells { get; } =
    [
        Cell(CampaignDesign.ControlCell, 0.2),
        Cell("a", 0.4),
        Cell("b", 0.4),
    ];

    public static CampaignCell Cell(string code, double share) => new()
    {
        Code = code,
        Share = share,
        IsControl = code == CampaignDesign.ControlCell,
        Steps = code == CampaignDesign.ControlCell ? [] :
        [
            new CampaignStep { Number = 1, Channels = ["email"], DayOffset = 0, Condition = "always", CostPerContact = 0.1m },
        ],
    };

    /// <summary>Writes a draft campaign with a design of <paramref name="cells"/> and <paramref name="waves"/>; returns its id.</summary>
    public async Task<Guid> AddCampaignAsync(IReadOnlyList<CampaignCell>? cells = null, IReadOnlyList<CampaignWave>? waves = null, string kind = "platform", Guid? id = null, Guid? segmentId = null)
    {
        var campaignId = id ?? Guid.NewGuid();
        var code = $"C-{campaignId:N}"[..14];
        var design = new CampaignDesign
        {
            Code = code,
            Name = "Spring test",
            Objective = "retention",
            Kind = kind,
            SegmentId = kind == "platform" ? segmentId ?? Guid.NewGuid() : null,
            ResponseWindowDays = 30,
            Currency = "EUR",
            Offers = [],
            Cells = cells ?? ThreeCells,
            Waves = waves ?? [],
        };
        await Host.ExecuteAsync("""
            INSERT INTO campaigns (id, code, name, kind, objective, segment_id, design, created_at, updated_at)
            VALUES (@Id, @Code, @Name, @Kind, @Objective, @SegmentId, @Design::jsonb, now(), now())
            """, new { Id = campaignId, design.Code, design.Name, design.Kind, design.Objective, design.SegmentId, Design = JsonSerializer.Serialize(design, Json) });
        return campaignId;
    }

    /// <summary>Launches through the API, expects 202 and returns the snapshot asked for.</summary>
    public async Task<Guid> LaunchAsync(Guid campaignId)
    {
        using var response = await Client.PostAsync($"/v1/campaigns/{campaignId}/launch", null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        Assert.Equal($"/v1/campaigns/{campaignId}", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("snapshotId").GetGuid();
    }

    /// <summary>Publishes <paramref name="message"/> on the service's bus, with <paramref name="messageId"/> if given (a redelivery).</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null)
        where T : class =>
        Host.App.Services.GetRequiredService<IBus>().Publish(message, context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });

    /// <summary><paramref name="count"/> members with varied attributes.</summary>
    public static List<SnapshotMember> Members(int count, int seed = 1)
    {
        var random = new Random(seed);
        string?[] tiers = ["top", "middle", "bottom", null];
        return Enumerable.Range(0, count).Select(i => new SnapshotMember
        {
            CustomerId = Guid.NewGuid(),
            ValueTier = tiers[i % 4],
            Clv = i % 5 == 0 ? null : Math.Round(random.NextDouble() * 500, 2),
            DealSeeker = i % 3 == 0,
            Consents = new ChannelConsents { Email = true, Sms = i % 2 == 0, Mail = true, Phone = null },
            NetRevenue365 = Math.Round((decimal)(random.NextDouble() * 1000), 2),
            Orders365 = i % 7,
            Lifecycle = i % 10 == 0 ? "prospect" : "customer",
        }).ToList();
    }

    /// <summary>The member batches of a snapshot (1,000 each, numbered from 1), as Segmentation publishes them.</summary>
    public static List<SegmentSnapshotMembersAdded> Batches(Guid snapshotId, IReadOnlyList<SnapshotMember> members)
    {
        var chunks = members.Chunk(1_000).ToList();
        return chunks.Select((chunk, i) => new SegmentSnapshotMembersAdded
        {
            SnapshotId = snapshotId, BatchNumber = i + 1, BatchCount = chunks.Count, MemberCount = members.Count, Members = chunk,
        }).ToList();
    }

    /// <summary>The snapshot's header.</summary>
    public static SegmentSnapshotCreated Header(Guid snapshotId, int memberCount) => new()
    {
        SnapshotId = snapshotId,
        SegmentId = Guid.NewGuid(),
        SegmentName = "test segment",
        AsOf = DateTimeOffset.UtcNow,
        MemberCount = memberCount,
        BatchCount = (memberCount + 999) / 1_000,
    };

    /// <summary>Publishes a whole snapshot: the header after the batches, in reverse order.</summary>
    public async Task PublishSnapshotAsync(Guid snapshotId, IReadOnlyList<SnapshotMember> members)
    {
        foreach (var batch in Enumerable.Reverse(Batches(snapshotId, members)))
        {
            await PublishAsync(batch);
        }

        await PublishAsync(Header(snapshotId, members.Count));
    }

    /// <summary>Waits until the campaign's launch_state is <paramref name="state"/>.</summary>
    public async Task WaitLaunchStateAsync(Guid campaignId, string state, TimeSpan? timeout = null)
    {
        try
        {
            await Eventually.TrueAsync(async () => await Host.ScalarAsync<string?>("SELECT launch_state FROM campaigns WHERE id = @campaignId", new { campaignId }) == state,
                $"campaign {campaignId} {state}", timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            var errors = await Host.QueryAsync<string>("SELECT coalesce(last_error, status) FROM jobs WHERE kind = 'campaigns.assign'");
            throw new TimeoutException($"{e.Message} Assignment jobs: {string.Join(" | ", errors)}", e);
        }
    }

    /// <summary>Batch numbers of the campaign's CustomersAssigned messages in the outbox, sorted (repeats included).</summary>
    public Task<List<int>> AssignedBatchNumbersAsync(Guid campaignId) =>
        Host.QueryAsync<int>("""
            SELECT (body->>'batchNumber')::int FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.Campaigns.CustomersAssigned,%' AND (body->>'campaignId')::uuid = @campaignId
            ORDER BY 1
            """, new { campaignId });

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
