using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Data;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// A transactions CSV imported into Ingestion reaches Segmentation as TransactionsRecorded batches (outbox, RabbitMQ,
/// inbox) and becomes per-customer purchase aggregates.
/// </summary>
public sealed class ImportToPurchasesTests : IAsyncLifetime
{
    private TestVirtualHost _vhost = null!;
    private TestDatabase _ingestionDb = null!;
    private TestDatabase _segmentationDb = null!;
    private ServiceApp<Ingestion.Program> _ingestion = null!;
    private ServiceApp<Segmentation.Program> _segmentation = null!;
    private HttpClient _client = null!;
    private readonly TempDirectory _spool = new("e2e-imports");

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("e2e-import");
        _ingestionDb = await TestDatabase.CreateAsync("e2e_imp_ingestion");
        _segmentationDb = await TestDatabase.CreateAsync("e2e_imp_segmentation");
        _segmentation = new ServiceApp<Segmentation.Program>(ServiceSettings.For(_segmentationDb, _vhost));
        _segmentation.StartServer();
        await Eventually.TrueAsync(async () => await _vhost.QueueExistsAsync("segmentation-transactions-recorded"), "segmentation's transactions queue");
        var settings = ServiceSettings.For(_ingestionDb, _vhost);
        settings["Imports:SpoolDirectory"] = _spool.Path;
        settings["Imports:ChunkRows"] = "1000";
        _ingestion = new ServiceApp<Ingestion.Program>(settings);
        _client = _ingestion.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _ingestion.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _segmentationDb.DisposeAsync();
        await _ingestionDb.DisposeAsync();
        await _vhost.DisposeAsync();
        _spool.Dispose();
    }

    [Fact]
    public async Task ImportedTransactions_BecomePurchaseAggregatesInSegmentation()
    {
        // 3 customers x 1,500 orders each (several events of 1,000), plus one return per customer.
        var csv = new StringBuilder("source,order_id,customer_external_id,occurred_at,gross_amount,discount_amount,cost_amount,quantity,is_return\n");
        var expected = new Dictionary<string, (int Orders, decimal Gross, decimal Net, decimal Discount, decimal Cost)>();
        for (var c = 0; c < 3; c++)
        {
            var (orders, gross, net, discount, cost) = (0, 0m, 0m, 0m, 0m);
            for (var i = 0; i < 1500; i++)
            {
                var amount = 10m + (i % 7) + (c * 0.25m);
                var off = i % 4 == 0 ? 1.50m : 0m;
                csv.Append(CultureInfo.InvariantCulture, $"e2e,O-{c}-{i},cust-{c},{new DateTime(1997, 1, 1).AddDays(i % 500):yyyy-MM-dd}T12:00:00Z,{amount},{off},4.00,1,false\n");
                (orders, gross, net, discount, cost) = (orders + 1, gross + amount, net + amount - off, discount + off, cost + 4m);
            }

            csv.Append(CultureInfo.InvariantCulture, $"e2e,R-{c},cust-{c},1998-06-30T00:00:00Z,20.00,2.00,4.00,1,true\n");
            expected[$"cust-{c}"] = (orders, gross - 20m, net - 18m, discount - 2m, cost - 4m);
        }

        using var content = new StringContent(csv.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var upload = await _client.PostAsync("/v1/imports?kind=transactions&createCustomers=true&currency=USD", content);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var importId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid();
        var report = await Eventually.ValueAsync(async () =>
        {
            var r = await _client.GetFromJsonAsync<JsonElement>($"/v1/imports/{importId}");
            return r.GetProperty("status").GetString() == "completed" ? r.GetRawText() : null;
        }, "the import to complete", TimeSpan.FromSeconds(60));
        Assert.Contains("\"rowsNew\":4503", report, StringComparison.Ordinal);

        await Eventually.TrueAsync(async () => await ScalarAsync<long>("SELECT coalesce(sum(orders_count + returns_count), 0)::bigint FROM customer_purchases") == 4503,
            "every transaction in Segmentation's aggregates", TimeSpan.FromSeconds(60));
        foreach (var (externalId, e) in expected)
        {
            var id = DeterministicGuid.ForCustomer("e2e", externalId);
            await using var connection = await _segmentationDb.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT orders_count, returns_count, gross_revenue, net_revenue, discount_total, cost_total, first_purchase_at, last_purchase_at FROM customer_purchases WHERE customer_id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            await using var row = await command.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal(e.Orders, row.GetInt32(0));
            Assert.Equal(1, row.GetInt32(1));
            Assert.Equal(e.Gross, row.GetDecimal(2));
            Assert.Equal(e.Net, row.GetDecimal(3));
            Assert.Equal(e.Discount, row.GetDecimal(4));
            Assert.Equal(e.Cost, row.GetDecimal(5));
            Assert.Equal(new DateTime(1997, 1, 1, 12, 0, 0, DateTimeKind.Utc), row.GetDateTime(6));
            Assert.Equal(new DateTime(1997, 1, 1, 12, 0, 0, DateTimeKind.Utc).AddDays(499), row.GetDateTime(7)); // the return is not a purchase
        }

        // Importing the same file again adds nothing anywhere.
        using var again = new StringContent(csv.ToString(), Encoding.UTF8);
        again.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var second = await _client.PostAsync("/v1/imports?kind=transactions&createCustomers=true&currency=USD", again);
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid();
        await Eventually.TrueAsync(async () => (await _client.GetFromJsonAsync<JsonElement>($"/v1/imports/{secondId}")).GetProperty("status").GetString() == "completed", "the second import");
        Assert.Equal(4503L, await ScalarAsync<long>("SELECT sum(orders_count + returns_count)::bigint FROM customer_purchases"));
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await _segmentationDb.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
