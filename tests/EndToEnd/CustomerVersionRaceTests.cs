using System.Net;
using System.Net.Http.Json;
using Dapper;
using Platform.Data;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// Customer versions come from Ingestion's database, not a clock: writes racing on one customer (a large batch that
/// started first but reaches the row last, an opt-out and a profile update) end with Segmentation holding exactly
/// the state Ingestion committed last. Each race is repeated to catch different interleavings.
/// </summary>
public sealed class CustomerVersionRaceTests : IAsyncLifetime
{
    private const int Rounds = 8;
    private const int BatchSize = 4_000;

    private TestVirtualHost _vhost = null!;
    private ServiceTestHost<Segmentation.Program> _segmentation = null!;
    private ServiceTestHost<Ingestion.Program> _ingestion = null!;

    private HttpClient Client => _ingestion.Client;

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("e2e_versions");
        var shared = new ServiceTestHostOptions { VirtualHost = _vhost, OnLoopback = false };
        _segmentation = await ServiceTestHost<Segmentation.Program>.StartAsync("e2e_versions_segmentation", shared);
        // Segmentation's queue must be bound before the first event is published.
        await Eventually.TrueAsync(async () => await _vhost.QueueExistsAsync("segmentation-customers-upserted"), "segmentation's queue");
        _ingestion = await ServiceTestHost<Ingestion.Program>.StartAsync("e2e_versions_ingestion", shared);
    }

    public async Task DisposeAsync()
    {
        await _ingestion.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task BatchAndSingleUpdateRacing_SegmentationEndsWithTheStateIngestionCommittedLast()
    {
        var target = DeterministicGuid.ForCustomer("race", "target");
        var random = new Random(42);
        for (var round = 0; round < Rounds; round++)
        {
            var batch = Enumerable.Range(0, BatchSize)
                .Select(k => (object)new { source = "race", externalId = $"filler-{round}-{k}", region = $"filler-{round}" })
                .Append(new { source = "race", externalId = "target", region = $"batch-{round}" })
                .ToList();
            var batchTask = PostOkAsync("/v1/customers/batch", batch);
            // Anywhere from before the batch locks the row to after it committed.
            await Task.Delay(random.Next(0, 400));
            var singleTask = PostOkAsync("/v1/customers", new { source = "race", externalId = "target", region = $"single-{round}" });
            await Task.WhenAll(batchTask, singleTask);

            await AssertSegmentationHoldsIngestionsLatestAsync(target, round);
        }
    }

    [Fact]
    public async Task OptOutRacingProfileUpdate_SegmentationEndsWithBothChanges()
    {
        var target = DeterministicGuid.ForCustomer("race", "opt-out");
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var random = new Random(7);
        for (var round = 0; round < Rounds * 2; round++)
        {
            // Consent granted again (sequentially), then withdrawn by a response while the profile changes.
            var grantedAt = start.AddSeconds(2 * round);
            await PostOkAsync("/v1/customers", new
            {
                source = "race",
                externalId = "opt-out",
                region = $"before-{round}",
                consents = new { email = new { granted = true, at = grantedAt.ToString("O") } },
            });
            var optOut = PostOkAsync("/v1/responses", new
            {
                source = "race",
                responseId = $"opt-out-{round}",
                campaignCode = "RACE",
                customerId = target,
                channel = "email",
                type = "opted-out",
                occurredAt = grantedAt.AddSeconds(1).ToString("O"),
            });
            await Task.Delay(random.Next(0, 20));
            var update = PostOkAsync("/v1/customers", new { source = "race", externalId = "opt-out", region = $"after-{round}" });
            await Task.WhenAll(optOut, update);

            var state = await AssertSegmentationHoldsIngestionsLatestAsync(target, round);
            Assert.Equal($"after-{round}", state.Region);
            Assert.False(state.ConsentEmail);
        }
    }

    private async Task PostOkAsync(string path, object body)
    {
        using var response = await Client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted,
            $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Waits until Segmentation holds Ingestion's current version of the customer, then compares the state.</summary>
    private async Task<CustomerState> AssertSegmentationHoldsIngestionsLatestAsync(Guid customerId, int round)
    {
        await using var ingestion = await _ingestion.Database.OpenAsync();
        var expected = await ingestion.QuerySingleAsync<CustomerState>("""
            SELECT c.version AS Version, c.region AS Region,
                   (SELECT k.granted FROM consents k WHERE k.customer_id = c.customer_id AND k.channel = 'email') AS ConsentEmail
            FROM customers c WHERE c.customer_id = @customerId
            """, new { customerId });

        await using var segmentation = await _segmentation.Database.OpenAsync();
        var actual = await Eventually.ValueAsync(
            async () =>
            {
                var row = await segmentation.QuerySingleOrDefaultAsync<CustomerState>("""
                    SELECT customer_version AS Version, region AS Region, consent_email AS ConsentEmail
                    FROM customer_profiles WHERE customer_id = @customerId
                    """, new { customerId });
                return row is not null && row.Version >= expected.Version ? row : null;
            },
            $"round {round}: Segmentation to reach version {expected.Version}",
            TimeSpan.FromSeconds(60));
        Assert.Equal(expected, actual);
        return actual;
    }

    private sealed record CustomerState(long Version, string? Region, bool? ConsentEmail);
}
