using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EndToEnd.ApiKeys;
using Npgsql;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// Bulk imports stream through the gateway with no body limit of the gateway's own (Ingestion's applies), while the
/// other routes keep the services' limit. Gateway and Ingestion on real loopback ports: Kestrel's limits are real.
/// </summary>
public sealed class GatewayImportTests : IAsyncLifetime
{
    private const long FileBytes = 100L * 1024 * 1024;
    private readonly TempDirectory _spool = new("e2e-gw-imports");
    private ServiceTestHost<Ingestion.Program> _ingestion = null!;
    private TestGateway _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _ingestion = await ServiceTestHost<Ingestion.Program>.StartAsync("gw_import", new ServiceTestHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Imports:SpoolDirectory"] = _spool.Path },
        });
        _gateway = await TestGateway.StartAsync("gw_import", new Dictionary<string, string?> { ["Services:Ingestion"] = _ingestion.Client.BaseAddress!.ToString().TrimEnd('/') });
        _client = _gateway.CreateClient(TimeSpan.FromMinutes(10));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _ingestion.DisposeAsync();
        _spool.Dispose();
    }

    [Fact]
    public async Task A100MegabyteCsv_ThroughTheGateway_IsAcceptedAndFullyImported()
    {
        var file = Path.Combine(Path.GetTempPath(), $"gw-import-{Guid.NewGuid():N}.csv");
        try
        {
            var rows = await WriteTransactionsCsvAsync(file);
            Assert.True(new FileInfo(file).Length >= FileBytes);

            await using var stream = File.OpenRead(file);
            var content = new StreamContent(stream, 1 << 16);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var response = await _client.PostAsync("/ingestion/v1/imports?kind=transactions&createCustomers=true&currency=USD&fileName=big.csv", content);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var location = "/ingestion" + response.Headers.Location!.OriginalString;
            var report = await Eventually.ValueAsync(async () =>
            {
                var text = await _client.GetStringAsync(location);
                return JsonDocument.Parse(text).RootElement.GetProperty("status").GetString() is "completed" or "failed" ? text : null;
            }, "the 100 MB import finished", TimeSpan.FromMinutes(15));
            var root = JsonDocument.Parse(report).RootElement;
            Assert.Equal("completed", root.GetProperty("status").GetString());
            Assert.Equal(rows, root.GetProperty("rowsNew").GetInt64());
            Assert.Equal(0, root.GetProperty("rowsRejected").GetInt64());
            await using var connection = await _ingestion.Database.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM transactions", connection);
            Assert.Equal(rows, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task OtherRoutes_KeepTheServicesBodyLimit()
    {
        // Over the 32 MiB that the gateway's other routes allow (the most a service accepts).
        var body = "[" + new string(' ', 33 * 1024 * 1024) + "]";
        // Expect: 100-continue, as a client sending a large body should: the refusal comes before the body is sent
        // (otherwise the gateway closes the connection while this client is still writing).
        var request = new HttpRequestMessage(HttpMethod.Post, "/ingestion/v1/customers/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AServicesOwnLowerLimit_ReachesTheClientAs413_NotAs502()
    {
        // 2 MiB to an endpoint that takes 1 MiB: Ingestion refuses it before reading the body.
        var body = "{\"source\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        var response = await _client.PostAsync("/ingestion/v1/customers", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Transactions of 1,000 customers (created by the import), about 400 bytes a row, until the file holds 100 MB; returns the row count.</summary>
    private static async Task<long> WriteTransactionsCsvAsync(string path)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteAsync("source,order_id,customer_external_id,occurred_at,gross_amount,category,promotion_code,campaign_code\n");
        var padding = new string('p', 100);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long rows = 0;
        while (writer.BaseStream.Length < FileBytes)
        {
            rows++;
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"gateway,order-{rows:D12}-{padding},c-{rows % 1000},{start.AddMinutes(rows):yyyy-MM-ddTHH:mm:ssZ},{rows % 500 + 1}.25,category-{padding},promo-{padding},campaign-{rows % 7}\n"));
        }

        return rows;
    }
}
