using System.Text;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>Imports (and their jobs) left queued or running when the service stopped are taken up by the next instance.</summary>
public sealed class ImportRestartTests : IAsyncLifetime
{
    private const string Header = "source,order_id,customer_external_id,occurred_at,gross_amount,currency\n";
    private readonly string _spool = Path.Combine(Path.GetTempPath(), "import-restart-" + Guid.NewGuid().ToString("N"));
    private RecordingTestHost _host = null!;

    private Dictionary<string, string?> Settings => new()
    {
        ["Imports:SpoolDirectory"] = _spool,
        ["Imports:ChunkRows"] = "2",
        ["Imports:PollInterval"] = "00:00:00.200",
    };

    public async Task InitializeAsync()
    {
        _host = await RecordingTestHost.StartAsync("import_restart", Settings);
        await _host.CreateCustomerAsync("restart", "c1");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_spool, recursive: true);
    }

    [Fact]
    public async Task AfterRestart_QueuedImportsRun_MissingFileFails_BadBytesFailAtTheirRow_AndACrashedRunResumes()
    {
        Directory.CreateDirectory(_spool);
        var queued = Guid.CreateVersion7();
        var missing = Guid.CreateVersion7();
        var badBytes = Guid.CreateVersion7();
        var crashed = Guid.CreateVersion7();
        var foreign = Guid.CreateVersion7();

        await _host.RestartAsync(Settings, whileStopped: async () =>
        {
            await QueueAsync(queued, "queued", 0, Encoding.UTF8.GetBytes(Header + Rows("Q", 1, 3)));
            await QueueAsync(missing, "queued", 0, file: null);
            // Received by another instance, whose spool folder this one cannot see: not this instance's to fail.
            await QueueAsync(foreign, "queued", 0, file: null, host: "another-instance");
            // Row 4 holds a byte that is not UTF-8 (as a Latin-1 export would); rows 1-3 before it are fine.
            byte[] bytes = [.. Encoding.UTF8.GetBytes(Header + Rows("B", 1, 3)), .. "restart,B-4,c1,2024-01-01T00:00:00Z,4,EUR"u8, (byte)0xFF, (byte)'\n', .. Encoding.UTF8.GetBytes(Rows("B", 5, 6))];
            await QueueAsync(badBytes, "queued", 0, bytes);
            // A run that committed its second chunk (rows 3-4; chunks commit in any order) and then died: rows 1-2 and
            // 5 are left to do.
            await QueueAsync(crashed, "running", 2, Encoding.UTF8.GetBytes(Header + Rows("C", 1, 5)));
            await _host.ExecuteAsync("INSERT INTO import_chunks (import_id, chunk) VALUES (@id, 1)", ("id", crashed));
        });

        var client = _host.Client;
        var queuedReport = await ImportPolling.WaitAsync(client, queued);
        var missingReport = await ImportPolling.WaitAsync(client, missing);
        var badReport = await ImportPolling.WaitAsync(client, badBytes);
        var crashedReport = await ImportPolling.WaitAsync(client, crashed);

        Assert.Equal("completed", queuedReport.GetProperty("status").GetString());
        Assert.Equal(3, queuedReport.GetProperty("rowsNew").GetInt64());
        Assert.Equal("failed", missingReport.GetProperty("status").GetString());
        Assert.Contains("no longer in the spool folder", missingReport.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", badReport.GetProperty("status").GetString());
        Assert.Contains("row 4 is not valid UTF-8", badReport.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, badReport.GetProperty("rowsNew").GetInt64());
        Assert.Equal("completed", crashedReport.GetProperty("status").GetString());
        Assert.Equal(5, crashedReport.GetProperty("rowsRead").GetInt64());
        Assert.Equal(3, crashedReport.GetProperty("rowsNew").GetInt64());
        Assert.Equal("C-1,C-2,C-5", await _host.ScalarAsync<string>("SELECT string_agg(order_id, ',' ORDER BY order_id) FROM transactions WHERE order_id LIKE 'C-%'"));
        Assert.Empty(Directory.GetFiles(_spool));

        // The other instance's import was deferred to it (its job put back without using an attempt), not failed.
        await Eventually.TrueAsync(async () => await _host.ScalarAsync<bool>("SELECT due_at > created_at + interval '10 seconds' FROM jobs WHERE id = @id", ("id", foreign)), "the foreign import's job to be deferred");
        Assert.Equal("queued", await _host.ScalarAsync<string>("SELECT status FROM imports WHERE import_id = @id", ("id", foreign)));
        Assert.Equal(0, await _host.ScalarAsync<int>("SELECT attempts FROM jobs WHERE id = @id", ("id", foreign)));
    }

    private static string Rows(string prefix, int from, int to) =>
        string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"restart,{prefix}-{i},c1,2024-01-01T00:00:00Z,{i},EUR\n"));

    private async Task QueueAsync(Guid importId, string status, long rowsRead, byte[]? file, string? host = null)
    {
        var path = Path.Combine(_spool, $"{importId}.csv");
        if (file is not null)
        {
            await File.WriteAllBytesAsync(path, file);
        }

        await _host.ExecuteAsync(
            """
            INSERT INTO imports (import_id, kind, status, file_sha256, file_bytes, options, created_at, spool_path, spool_host, rows_read, chunk_rows)
            VALUES (@id, 'transactions', @status, 'test', @bytes, '{"createCustomers":false,"currency":null}', now(), @path, @host, @rowsRead, 2)
            """,
            ("id", importId), ("status", status), ("bytes", (long)(file?.Length ?? 0)), ("path", path), ("host", host ?? Environment.MachineName), ("rowsRead", rowsRead));

        // Its job, as the upload (or the upgrade migration) enqueues it; left queued by a stop between attempts.
        await _host.ExecuteAsync(
            """
            INSERT INTO jobs (id, kind, payload, status, due_at, max_attempts, created_at)
            VALUES (@id, 'ingestion.import', jsonb_build_object('importId', @id), 'queued', now(), 20, now())
            """,
            ("id", importId));
    }
}
