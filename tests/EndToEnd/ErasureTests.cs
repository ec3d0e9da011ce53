using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// Erasure across services: <c>DELETE</c> in Ingestion publishes <see cref="CustomerErased"/> through the outbox;
/// Segmentation deletes the profile and keeps a tombstone so that a stale <see cref="CustomersUpserted"/> cannot bring
/// it back.
/// </summary>
public sealed class ErasureTests(ErasureTests.Services services) : IClassFixture<ErasureTests.Services>
{
    private readonly HttpClient _ingestion = services.IngestionClient;

    [Fact]
    public async Task DeleteCustomer_ProfileDisappearsFromSegmentation_AndATombstoneStays()
    {
        var customerId = await PostCustomerAsync("erase-1");
        await WaitForProfileAsync(customerId);

        var response = await _ingestion.DeleteAsync($"/v1/customers/{customerId}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await Eventually.TrueAsync(async () => !await ProfileExistsAsync(customerId), "the profile to be erased");
        Assert.Equal(1L, await services.SegmentationScalarAsync<long>("SELECT count(*) FROM erased_customers WHERE customer_id = @Id", new { Id = customerId }));
    }

    [Fact]
    public async Task UpsertFromBeforeTheErasure_ArrivingLate_DoesNotBringTheProfileBack()
    {
        var customerId = await PostCustomerAsync("erase-2");
        await WaitForProfileAsync(customerId);
        var stale = await services.PublishedRecordAsync(customerId);
        await _ingestion.DeleteAsync($"/v1/customers/{customerId}");
        await Eventually.TrueAsync(async () => !await ProfileExistsAsync(customerId), "the profile to be erased");

        var lateId = NewId.NextGuid();
        await services.SegmentationBus.Publish(new CustomersUpserted { Customers = [stale] }, ctx => ctx.MessageId = lateId);

        await Eventually.TrueAsync(
            async () => await services.SegmentationScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @Id", new { Id = lateId }) == 1,
            "the late upsert to be handled");
        Assert.False(await ProfileExistsAsync(customerId));
    }

    [Fact]
    public async Task CustomerRegisteringAgainAfterErasure_GetsAProfileAgain()
    {
        var customerId = await PostCustomerAsync("erase-3");
        await WaitForProfileAsync(customerId);
        await _ingestion.DeleteAsync($"/v1/customers/{customerId}");
        await Eventually.TrueAsync(async () => !await ProfileExistsAsync(customerId), "the profile to be erased");

        Assert.Equal(customerId, await PostCustomerAsync("erase-3"));

        await WaitForProfileAsync(customerId);
    }

    [Fact]
    public async Task Erasure_RemovesPurchaseAggregates_AndLateTransactionsDoNotRecreateThem()
    {
        var customerId = await PostCustomerAsync("erase-4");
        var order = await _ingestion.PostAsJsonAsync("/v1/transactions", new
        {
            source = "e2e", orderId = "erase-4-o1", customerExternalId = "erase-4", occurredAt = "2024-05-01T10:00:00Z", grossAmount = 40.0m, currency = "EUR",
        });
        Assert.True(order.IsSuccessStatusCode, await order.Content.ReadAsStringAsync());
        const string Purchases = "SELECT count(*) FROM customer_purchases WHERE customer_id = @Id";
        await Eventually.TrueAsync(async () => await services.SegmentationScalarAsync<long>(Purchases, new { Id = customerId }) == 1, "the purchase aggregate");

        await _ingestion.DeleteAsync($"/v1/customers/{customerId}");
        await Eventually.TrueAsync(async () => await services.SegmentationScalarAsync<long>(Purchases, new { Id = customerId }) == 0, "the aggregate to be erased");

        var lateId = NewId.NextGuid();
        var late = new TransactionRecord
        {
            TransactionId = NewId.NextGuid(), CustomerId = customerId, Source = "e2e", OrderId = "erase-4-late", OccurredAt = DateTimeOffset.UtcNow,
            GrossAmount = 5m, DiscountAmount = 0m, Currency = "EUR", Quantity = 1, IsReturn = false,
        };
        await services.SegmentationBus.Publish(new TransactionsRecorded { Transactions = [late] }, ctx => ctx.MessageId = lateId);
        await Eventually.TrueAsync(
            async () => await services.SegmentationScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @Id", new { Id = lateId }) == 1,
            "the late transactions to be handled");
        Assert.Equal(0L, await services.SegmentationScalarAsync<long>(Purchases, new { Id = customerId }));
    }

    private async Task<Guid> PostCustomerAsync(string externalId)
    {
        var response = await _ingestion.PostAsJsonAsync("/v1/customers", new { source = "e2e", externalId, country = "NL", email = $"{externalId}@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
    }

    private Task WaitForProfileAsync(Guid customerId) => Eventually.TrueAsync(() => ProfileExistsAsync(customerId), $"profile {customerId}");

    private async Task<bool> ProfileExistsAsync(Guid customerId)
    {
        using var response = await services.SegmentationClient.GetAsync($"/v1/profiles/{customerId}");
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    /// <summary>Ingestion and Segmentation started once for the class, sharing a vhost, each with its own database.</summary>
    public sealed class Services : IAsyncLifetime
    {
        private TestVirtualHost _vhost = null!;
        private TestDatabase _ingestionDb = null!;
        private TestDatabase _segmentationDb = null!;
        private ServiceApp<Ingestion.Program> _ingestion = null!;
        private ServiceApp<Segmentation.Program> _segmentation = null!;

        public HttpClient IngestionClient { get; private set; } = null!;
        public HttpClient SegmentationClient { get; private set; } = null!;
        public IBus SegmentationBus => (IBus)_segmentation.Services.GetService(typeof(IBus))!;

        public async Task InitializeAsync()
        {
            _vhost = await TestVirtualHost.CreateAsync("erasure");
            _ingestionDb = await TestDatabase.CreateAsync("erasure_ingestion");
            _segmentationDb = await TestDatabase.CreateAsync("erasure_segmentation");
            _segmentation = new ServiceApp<Segmentation.Program>(ServiceSettings.For(_segmentationDb, _vhost));
            _segmentation.StartServer();
            SegmentationClient = _segmentation.CreateClient();
            // Segmentation's queues must be bound before the first event is published.
            await Eventually.TrueAsync(async () => await _vhost.QueueExistsAsync("segmentation-customers-upserted") && await _vhost.QueueExistsAsync("segmentation-customer-erased") && await _vhost.QueueExistsAsync("segmentation-transactions-recorded"), "segmentation's queues");
            _ingestion = new ServiceApp<Ingestion.Program>(ServiceSettings.For(_ingestionDb, _vhost));
            IngestionClient = _ingestion.CreateClient();
        }

        public async Task DisposeAsync()
        {
            IngestionClient.Dispose();
            SegmentationClient.Dispose();
            await _ingestion.DisposeAsync();
            await _segmentation.DisposeAsync();
            await _segmentationDb.DisposeAsync();
            await _ingestionDb.DisposeAsync();
            await _vhost.DisposeAsync();
        }

        public async Task<T> SegmentationScalarAsync<T>(string sql, object args)
        {
            await using var connection = await _segmentationDb.OpenAsync();
            return (await connection.ExecuteScalarAsync<T>(sql, args))!;
        }

        /// <summary>The customer's record as Ingestion published it (its first version).</summary>
        public async Task<CustomerRecord> PublishedRecordAsync(Guid customerId)
        {
            await using var connection = await _ingestionDb.OpenAsync();
            var json = await connection.ExecuteScalarAsync<string>("""
                SELECT r::text FROM outbox_messages AS o, json_array_elements(o.body::json -> 'customers') AS r
                WHERE o.message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND r ->> 'customerId' = @Id
                ORDER BY o.sequence LIMIT 1
                """, new { Id = customerId.ToString() });
            return JsonSerializer.Deserialize<CustomerRecord>(json!, JsonSerializerOptions.Web)!;
        }
    }
}
