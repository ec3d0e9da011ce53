using Campaigns.Features.Customers;
using Campaigns.IntegrationTests.Launch;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Ingestion;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Customers;

/// <summary>Contact details, responses and erasure: what Campaigns keeps of other services' data, and forgets.</summary>
public sealed class CustomerDataTests : IAsyncLifetime
{
    private LaunchTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await LaunchTestHost.StartAsync("customer-data", services: s => s.AddSingleton<ICustomerErasureStep, RecordingErasureStep>());
        await _host.Host.ExecuteAsync("CREATE TABLE test_erasure_calls (customer_id uuid, details_left bigint)");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ContactDetails_HighestVersionWins_InAnyOrder()
    {
        var customer = Guid.NewGuid();
        await _host.PublishAsync(Changed(Details(customer, 3, "new@example.org")));
        await WaitEmailAsync(customer, "new@example.org");
        var late = Guid.NewGuid();
        await _host.PublishAsync(Changed(Details(customer, 2, "old@example.org"), Details(Guid.NewGuid(), 1, "other@example.org")), late);
        await WaitHandledAsync(late);
        Assert.Equal("new@example.org", await EmailAsync(customer));

        // Two versions of one customer in one batch: the higher one.
        await _host.PublishAsync(Changed(Details(customer, 5, "five@example.org"), Details(customer, 4, "four@example.org")));
        await WaitEmailAsync(customer, "five@example.org");
        Assert.Equal(5L, await _host.Host.ScalarAsync<long>("SELECT version FROM customers WHERE customer_id = @customer", new { customer }));
    }

    [Fact]
    public async Task Responses_AreKeptOncePerResponseId()
    {
        var customer = Guid.NewGuid();
        var response = new ResponseRecord
        {
            ResponseId = Guid.NewGuid(), CampaignCode = "SPRING", CustomerId = customer, Channel = "email", Type = "opted-out", OccurredAt = DateTimeOffset.UtcNow,
        };
        var second = Guid.NewGuid();
        await _host.PublishAsync(new ResponsesRecorded { Responses = [response] });
        await _host.PublishAsync(new ResponsesRecorded { Responses = [response, response with { ResponseId = Guid.NewGuid(), Type = "delivered" }] }, second);
        await WaitHandledAsync(second);
        await Eventually.TrueAsync(async () => await ResponseCountAsync(customer) == 2, "both distinct responses");
        Assert.Equal(1L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM responses WHERE response_id = @ResponseId AND type = 'opted-out'", new { response.ResponseId }));
    }

    [Fact]
    public async Task Erasure_RemovesPersonalData_KeepsAnAnonymousAssignment_AndStaleDetailsStayOut()
    {
        var erased = Guid.NewGuid();
        var kept = Guid.NewGuid();
        var campaignId = await _host.AddCampaignAsync();
        await _host.Host.ExecuteAsync("""
            INSERT INTO snapshots (snapshot_id, campaign_id, purpose, segment_id, requested_at) VALUES (@snapshot, @campaignId, 'preview', @snapshot, now());
            INSERT INTO snapshot_members (snapshot_id, customer_id, deal_seeker) SELECT @snapshot, unnest(@ids), false;
            INSERT INTO assignments (campaign_id, customer_id, cell, wave, global_control, deal_seeker, net_revenue_365, orders_365)
            SELECT @campaignId, unnest(@ids), 'a', 1, false, false, 10, 1;
            INSERT INTO responses (response_id, campaign_code, customer_id, channel, type, occurred_at)
            SELECT gen_random_uuid(), 'SPRING', unnest(@ids), 'email', 'delivered', now();
            INSERT INTO contacts (contact_id, campaign_id, customer_id, cell, wave, step, channel, cost, at, status)
            SELECT gen_random_uuid(), @campaignId, unnest(@ids), 'a', 1, 1, 'email', 0.1, now(), 'dispatched';
            """, new { snapshot = Guid.NewGuid(), campaignId, ids = new[] { erased, kept } });
        await _host.PublishAsync(Changed(Details(erased, 4, "erased@example.org"), Details(kept, 1, "kept@example.org")));
        await WaitEmailAsync(erased, "erased@example.org");

        await _host.PublishAsync(new CustomerErased { CustomerId = erased, ErasedAt = DateTimeOffset.UtcNow, Version = 4 });
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM erased_customers WHERE customer_id = @erased", new { erased }) == 1,
            "the erasure recorded");

        foreach (var table in new[] { "customers", "snapshot_members", "responses", "assignments", "contacts" })
        {
            Assert.Equal(0L, await _host.Host.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE customer_id = @erased", new { erased }));
            Assert.Equal(1L, await _host.Host.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE customer_id = @kept", new { kept }));
        }

        // The hook for other erasures ran once, in the same transaction, after the consumer's own deletes.
        Assert.Equal((erased, 0L), Assert.Single(await _host.Host.QueryAsync<(Guid, long)>("SELECT customer_id, details_left FROM test_erasure_calls")));

        // The cell still counts two members, and two contacts (dispatch's erasure step ran through the same consumer).
        Assert.Equal(2L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM assignments WHERE campaign_id = @campaignId AND cell = 'a'", new { campaignId }));
        Assert.Equal(1L, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM contacts WHERE campaign_id = @campaignId AND erased", new { campaignId }));

        // Late details at or below the erased version, and a late response, stay out; a later registration comes back.
        var late = Guid.NewGuid();
        await _host.PublishAsync(Changed(Details(erased, 4, "late@example.org")), late);
        var lateResponse = Guid.NewGuid();
        await _host.PublishAsync(new ResponsesRecorded
        {
            Responses = [new ResponseRecord { ResponseId = Guid.NewGuid(), CampaignCode = "SPRING", CustomerId = erased, Channel = "email", Type = "opened", OccurredAt = DateTimeOffset.UtcNow }],
        }, lateResponse);
        await WaitHandledAsync(late);
        await WaitHandledAsync(lateResponse);
        Assert.Null(await EmailAsync(erased));
        Assert.Equal(0L, await ResponseCountAsync(erased));

        await _host.PublishAsync(Changed(Details(erased, 5, "again@example.org")));
        await WaitEmailAsync(erased, "again@example.org");
    }

    [Fact]
    public async Task SnapshotBatch_ArrivingAfterAnErasure_LeavesTheErasedCustomerOut_UnlessRegisteredAgain()
    {
        var campaignId = await _host.AddCampaignAsync();
        var snapshotId = Guid.NewGuid();
        await _host.Host.ExecuteAsync("""
            INSERT INTO snapshots (snapshot_id, campaign_id, purpose, segment_id, requested_at) VALUES (@snapshotId, @campaignId, 'preview', @snapshotId, now())
            """, new { snapshotId, campaignId });
        var members = LaunchTestHost.Members(3);
        var (erased, returned, other) = (members[0].CustomerId, members[1].CustomerId, members[2].CustomerId);
        await _host.PublishAsync(new CustomerErased { CustomerId = erased, ErasedAt = DateTimeOffset.UtcNow, Version = 2 });
        await _host.PublishAsync(new CustomerErased { CustomerId = returned, ErasedAt = DateTimeOffset.UtcNow, Version = 2 });
        await _host.PublishAsync(Changed(Details(returned, 3, "back@example.org")));
        await WaitEmailAsync(returned, "back@example.org");
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM erased_customers") == 2, "both erasures recorded");

        await _host.PublishSnapshotAsync(snapshotId, members);
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<string>("SELECT status FROM snapshots WHERE snapshot_id = @snapshotId", new { snapshotId }) == "complete",
            "the snapshot complete");
        var kept = await _host.Host.QueryAsync<Guid>("SELECT customer_id FROM snapshot_members WHERE snapshot_id = @snapshotId", new { snapshotId });
        Assert.Equal(new[] { returned, other }.Order(), kept.Order());
        Assert.DoesNotContain(erased, kept);
    }

    private static ContactDetailsChanged Changed(params ContactDetails[] customers) => new() { Customers = customers };

    private static ContactDetails Details(Guid customer, long version, string email) => new()
    {
        CustomerId = customer, Version = version, Email = email, Phone = "+4912345", City = "Berlin", Country = "DE",
        Consents = new ChannelConsents { Email = true, Phone = false },
    };

    private Task<string?> EmailAsync(Guid customer) =>
        _host.Host.ScalarAsync<string?>("SELECT email FROM customers WHERE customer_id = @customer", new { customer });

    private Task<long> ResponseCountAsync(Guid customer) =>
        _host.Host.ScalarAsync<long>("SELECT count(*) FROM responses WHERE customer_id = @customer", new { customer });

    private Task WaitEmailAsync(Guid customer, string email) =>
        Eventually.TrueAsync(async () => await EmailAsync(customer) == email, $"{customer} with {email}");

    private Task WaitHandledAsync(Guid messageId) =>
        Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @messageId", new { messageId }) == 1,
            $"message {messageId} handled");
}
