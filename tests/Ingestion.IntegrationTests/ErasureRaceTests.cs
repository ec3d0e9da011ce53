using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ingestion.Features.Transactions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>
/// Transactions and responses have no foreign key on customers (migration 0008): writers check their customers under
/// the erasure lock held shared, the erasure deletes the rows itself under the lock held exclusively. These tests race
/// the two and look for orphans.
/// </summary>
public sealed class ErasureRaceTests(CustomersFixture app) : IClassFixture<CustomersFixture>
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Erasure_WaitsForAWriteThatHasCheckedTheCustomer_ThenRemovesWhatItWrote()
    {
        var id = await PostCustomerAsync("race", "R-1");
        var writer = app.App.Services.GetRequiredService<TransactionWriter>();
        await using var connection = await app.Database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var written = await writer.WriteAsync(tx, [Transaction("race", "R-1-O-1", "R-1")], createCustomers: false, CancellationToken.None);
        Assert.Equal(RowOutcome.New, written.Outcomes[0]);

        var erasure = _client.DeleteAsync($"/v1/customers/{id}");
        // The erasure is seen waiting for the lock the write holds, before the write commits (ErasureLock's key,
        // 7,290,412,101, as pg_locks shows a 64-bit advisory key: its high and low 32 bits).
        await Eventually.TrueAsync(
            async () => await app.ScalarAsync<long>("""
                SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND classid = 1 AND objid = 2995444805 AND NOT granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """) == 1,
            "the erasure to wait for the writer's lock");
        Assert.False(erasure.IsCompleted);
        await tx.CommitAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await erasure).StatusCode);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE customer_id = @Id", new { Id = id }));
    }

    [Fact]
    public async Task Write_AfterAnErasure_RefusesTheCustomer_EvenWhenTheWriterRememberedIt()
    {
        var id = await PostCustomerAsync("race", "R-2");
        var writer = app.App.Services.GetRequiredService<TransactionWriter>();
        var known = new KnownCustomerSet();
        Assert.Equal(RowOutcome.New, (await WriteAsync(writer, known, Transaction("race", "R-2-O-1", "R-2"))).Outcomes[0]);
        Assert.Contains(id, known);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/v1/customers/{id}")).StatusCode);
        var after = await WriteAsync(writer, known, Transaction("race", "R-2-O-2", "R-2"));

        Assert.Equal(RowOutcome.UnknownReference, after.Outcomes[0]);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE customer_id = @Id", new { Id = id }));
    }

    [Fact]
    public async Task Erasure_RemovesTransactionsAndResponsesWrittenThroughTheApi()
    {
        var id = await PostCustomerAsync("race", "R-3");
        (await _client.PostAsJsonAsync("/v1/transactions", new { source = "race", orderId = "R-3-O-1", customerExternalId = "R-3", occurredAt = "2026-01-02T10:00:00Z", grossAmount = 12.5, currency = "EUR" })).EnsureSuccessStatusCode();
        (await _client.PostAsJsonAsync("/v1/responses", new { source = "race", campaignCode = "C-R3", customerId = id, channel = "email", type = "opened", occurredAt = "2026-01-03T10:00:00Z" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/v1/customers/{id}")).StatusCode);

        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE customer_id = @Id", new { Id = id }));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM responses WHERE customer_id = @Id", new { Id = id }));
    }

    private async Task<WriteResult> WriteAsync(TransactionWriter writer, KnownCustomerSet known, NormalizedTransaction row)
    {
        await using var connection = await app.Database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var result = await writer.WriteAsync(tx, [row], createCustomers: false, known, CancellationToken.None);
        await tx.CommitAsync();
        return result;
    }

    private static NormalizedTransaction Transaction(string source, string orderId, string customer)
    {
        var errors = new ValidationErrors();
        var row = new TransactionRequest
        {
            Source = source, OrderId = orderId, CustomerExternalId = customer, OccurredAt = "2026-01-02T10:00:00Z", GrossAmount = 10m, Currency = "EUR",
        }.Validate(errors, new TransactionDefaults(DateTimeOffset.UtcNow));
        Assert.False(errors.HasErrors);
        return row!;
    }

    private async Task<Guid> PostCustomerAsync(string source, string externalId)
    {
        var response = await _client.PostAsJsonAsync("/v1/customers", new { source, externalId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
    }
}
