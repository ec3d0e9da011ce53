using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>A file far larger than a chunk, generated while it is sent (never held in memory, no Content-Length).</summary>
public sealed class ImportLoadTests : IAsyncLifetime
{
    private const int Rows = 200_000;
    private readonly TempDirectory _spool = new("import-load");
    private RecordingTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await RecordingTestHost.StartAsync("import_load", new Dictionary<string, string?> { ["Imports:SpoolDirectory"] = _spool.Path });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _spool.Dispose();
    }

    [Fact]
    public async Task StreamedFileOf200kRows_ImportsEveryRow_AndAgainAddsNothing()
    {
        var first = await ImportAsync();
        var second = await ImportAsync();

        Assert.Equal("completed", first.GetProperty("status").GetString());
        Assert.Equal(Rows, first.GetProperty("rowsNew").GetInt64());
        Assert.Equal(0, first.GetProperty("rowsRejected").GetInt64());
        Assert.Equal((long)Rows, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions"));
        Assert.Equal(1000L, await _host.ScalarAsync<long>("SELECT count(*) FROM customers"));
        Assert.Equal(200L, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Ingestion.TransactionsRecorded,%'"));
        Assert.Equal(0, second.GetProperty("rowsNew").GetInt64());
        Assert.Equal(Rows, second.GetProperty("rowsAccepted").GetInt64());
    }

    private async Task<JsonElement> ImportAsync()
    {
        using var content = new GeneratedCsv(Rows);
        var response = await _host.Client.PostAsync("/v1/imports?kind=transactions&createCustomers=true&currency=EUR", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid();
        return await ImportPolling.WaitAsync(_host.Client, id, TimeSpan.FromSeconds(120));
    }

    /// <summary>Writes the rows straight into the request stream.</summary>
    private sealed class GeneratedCsv : HttpContent
    {
        private readonly int _rows;

        public GeneratedCsv(int rows)
        {
            _rows = rows;
            Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await writer.WriteLineAsync("source,order_id,customer_external_id,occurred_at,gross_amount,discount_amount,quantity,channel");
            for (var i = 0; i < _rows; i++)
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"load,L-{i},C{i % 1000},2020-01-01T00:00:00Z,{10 + (i % 90)}.{i % 100:00},{i % 3},{1 + (i % 3)},web"));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
