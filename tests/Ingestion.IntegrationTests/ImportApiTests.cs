using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Data;
using Platform.Data.Jobs;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>Ingestion with a spool folder of its own, chunks of 3 rows (so small files span several chunks) and records of at most 4 KiB.</summary>
public sealed class ImportHostFixture : IAsyncLifetime
{
    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), "import-tests-" + Guid.NewGuid().ToString("N"));

    public RecordingTestHost Host { get; private set; } = null!;

    public Dictionary<string, string?> Settings => new()
    {
        ["Imports:SpoolDirectory"] = SpoolDirectory,
        ["Imports:ChunkRows"] = "3",
        ["Imports:MaxRecordChars"] = "4096",
        // The setting from before the shared scheduler still sets its poll when Jobs:PollInterval is not given.
        ["Imports:PollInterval"] = "00:00:00.250",
    };

    public async Task InitializeAsync() => Host = await RecordingTestHost.StartAsync("imports", Settings);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(SpoolDirectory, recursive: true);
    }
}

public sealed class ImportApiTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private readonly RecordingTestHost _host = fixture.Host;

    [Fact]
    public async Task Transactions_GoodAndBadRows_GoodOnesStored_ErrorReportNamesRowsAndColumnsWithoutValues()
    {
        await _host.CreateCustomerAsync("imp", "c1");
        const string csv = """
            source,order_id,customer_external_id,occurred_at,gross_amount,currency,quantity
            imp,I-1,c1,2024-01-01T00:00:00Z,10.00,EUR,1
            imp,I-2,c1,2024-01-01T00:00:00,10.00,EUR,1
            imp,I-3,ghost,2024-01-01T00:00:00Z,5,EUR,1
            imp,I-4,c1,2024-01-02T00:00:00Z,abc,EUR,x
            imp,I-5,c1,2024-01-02T00:00:00Z,"1,5",EUR,1
            imp,I-6,c1

            "imp","I-8","c1","2024-01-03T00:00:00Z","7.50","usd","2"
            """;

        var report = await ImportAsync("transactions", csv);

        Assert.Equal("completed", report.GetProperty("status").GetString());
        Assert.Equal(8, report.GetProperty("rowsRead").GetInt64());
        Assert.Equal(2, report.GetProperty("rowsAccepted").GetInt64());
        Assert.Equal(2, report.GetProperty("rowsNew").GetInt64());
        Assert.Equal(5, report.GetProperty("rowsRejected").GetInt64());
        Assert.Equal(2L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'imp'"));
        Assert.Equal(7.50m, await _host.ScalarAsync<decimal>("SELECT gross_amount FROM transactions WHERE order_id = 'I-8'"));

        var errors = await ErrorsCsvAsync(report);
        Assert.Equal("row_number,field,message", errors[0]);
        var keys = errors.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToList();
        Assert.Equal(["2,occurred_at", "3,customer_external_id", "4,gross_amount", "4,quantity", "5,gross_amount", "6,row"], keys);
        Assert.DoesNotContain(errors, l => l.Contains("abc", StringComparison.Ordinal) || l.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains("unknown customer", errors[2], StringComparison.Ordinal);
        Assert.Equal(6, report.GetProperty("errorCount").GetInt64());
        Assert.Equal(2, report.GetProperty("firstErrors")[0].GetProperty("rowNumber").GetInt64());

        // The upload enqueued the import's job with the import; it ran once, and its run is in the history.
        var importId = report.GetProperty("importId").GetGuid();
        await Eventually.TrueAsync(async () => await _host.ScalarAsync<string>(
            "SELECT status FROM jobs WHERE kind = 'ingestion.import' AND payload->>'importId' = @id", ("id", importId.ToString())) == "succeeded", "the import's job to succeed");
        Assert.Equal("succeeded", await _host.ScalarAsync<string>(
            "SELECT string_agg(r.outcome, ',') FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.payload->>'importId' = @id", ("id", importId.ToString())));
    }

    [Fact]
    public void ImportsPollInterval_SetsTheSchedulersPoll_WhenJobsPollIntervalIsNotGiven() =>
        Assert.Equal(TimeSpan.FromMilliseconds(250), _host.App.Services.GetRequiredService<IOptions<JobSchedulerOptions>>().Value.PollInterval);

    [Fact]
    public async Task Transactions_SameFileTwice_SecondCompletesWithNoNewRows_AndPublishesNothing()
    {
        await _host.CreateCustomerAsync("twice", "c1");
        var csv = "source,order_id,customer_external_id,occurred_at,gross_amount,currency\n"
            + string.Concat(Enumerable.Range(0, 10).Select(i => $"twice,T-{i},c1,2024-01-01T00:00:00Z,{i}.50,EUR\n"));

        var first = await ImportAsync("transactions", csv);
        var outboxAfterFirst = await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages");
        var second = await ImportAsync("transactions", csv);

        Assert.Equal(10, first.GetProperty("rowsNew").GetInt64());
        Assert.Equal("completed", second.GetProperty("status").GetString());
        Assert.Equal(10, second.GetProperty("rowsAccepted").GetInt64());
        Assert.Equal(0, second.GetProperty("rowsNew").GetInt64());
        Assert.Equal(first.GetProperty("fileSha256").GetString(), second.GetProperty("fileSha256").GetString());
        Assert.Equal(outboxAfterFirst, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task Transactions_CdnowSample_WithCreateCustomersAndCurrency_ImportsEveryPurchaseAndCustomer()
    {
        var (csv, total, _) = await CdnowSample.TransactionsCsvAsync();

        var report = await ImportAsync("transactions", csv, "&createCustomers=true&currency=USD", TimeSpan.FromSeconds(60));

        Assert.True(report.GetProperty("status").GetString() == "completed", report.ToString());
        Assert.Equal(6919, report.GetProperty("rowsNew").GetInt64());
        Assert.Equal(2357L, await _host.ScalarAsync<long>("SELECT count(*) FROM customers WHERE source = 'cdnow'"));
        Assert.Equal(total, await _host.ScalarAsync<decimal>("SELECT sum(gross_amount) FROM transactions WHERE source = 'cdnow'"));
        Assert.Equal(new DateTime(1997, 1, 1, 0, 0, 0, DateTimeKind.Utc), await _host.ScalarAsync<DateTime>("SELECT min(occurred_at) FROM transactions WHERE source = 'cdnow'"));
        Assert.Equal("USD", await _host.ScalarAsync<string>("SELECT DISTINCT currency FROM transactions WHERE source = 'cdnow'"));
    }

    [Fact]
    public async Task Responses_WithOptOut_WithdrawsConsent_AndBadRowsAreReported()
    {
        var created = await _host.Client.PostAsJsonAsync("/v1/customers", new
        {
            source = "imp-r", externalId = "r1", consents = new { sms = new { granted = true, at = "2024-01-01T00:00:00Z" } },
        });
        Assert.True(created.IsSuccessStatusCode);
        const string csv = """
            source,response_id,campaign_code,customer_external_id,channel,type,occurred_at,value
            imp-r,e1,C1,r1,sms,delivered,2024-02-01T00:00:00Z,
            imp-r,e2,C1,r1,sms,opted-out,2024-02-02T00:00:00Z,
            imp-r,e3,C1,r1,web,opted-out,2024-02-02T00:00:00Z,
            imp-r,e4,C1,r1,sms,converted,2024-02-03T00:00:00Z,-4
            """;

        var report = await ImportAsync("responses", csv);

        Assert.Equal(2, report.GetProperty("rowsNew").GetInt64());
        Assert.Equal(2, report.GetProperty("rowsRejected").GetInt64());
        Assert.False(await _host.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @id AND channel = 'sms'", ("id", DeterministicGuid.ForCustomer("imp-r", "r1"))));
        var errors = await ErrorsCsvAsync(report);
        Assert.StartsWith("3,channel,", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("4,value,", errors[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customers_ImportedTwice_SecondChangesAndPublishesNothing()
    {
        const string csv = """
            source,external_id,lifecycle,first_name,email,country,gender,birth_date,consent_email,consent_at
            imp-c,k1,customer,Ada,ada@example.com,GB,female,1985-02-03,true,2024-01-01T00:00:00Z
            imp-c,k2,prospect,Bob,,nl,,,false,2024-01-01T00:00:00Z
            imp-c,,customer,NoKey,,,,,,
            imp-c,k4,customer,Bad,not-an-email,XXX,,2999-01-01,maybe,
            """;

        var first = await ImportAsync("customers", csv);
        var outbox = await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages");
        var second = await ImportAsync("customers", csv);

        Assert.Equal(2, first.GetProperty("rowsNew").GetInt64());
        Assert.Equal(2, first.GetProperty("rowsRejected").GetInt64());
        Assert.Equal("NL", await _host.ScalarAsync<string>("SELECT country FROM customers WHERE source = 'imp-c' AND external_id = 'k2'"));
        Assert.True(await _host.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @id AND channel = 'email'", ("id", DeterministicGuid.ForCustomer("imp-c", "k1"))));
        var errors = await ErrorsCsvAsync(first);
        Assert.Equal(["3,external_id", "4,birth_date", "4,consent_email", "4,country", "4,email"], errors.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToList());
        Assert.Equal(0, second.GetProperty("rowsNew").GetInt64());
        Assert.Equal(outbox, await _host.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task Customers_AttributeColumns_AreTypedByTheHeader_AndBadCellsRejectTheRow()
    {
        var report = await ImportAsync("customers",
            "source,external_id,attr.Segment,attr.points:number,attr.vip:boolean,attr.zip\n" +
            "imp-a,a1,Gold,120.5,true,01234\n" +
            "imp-a,a2,,,,\n" +
            "imp-a,a3,Silver,lots,maybe,9\n");

        Assert.Equal(2, report.GetProperty("rowsNew").GetInt64());
        Assert.Equal(1, report.GetProperty("rowsRejected").GetInt64());
        var a1 = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/customers/{DeterministicGuid.ForCustomer("imp-a", "a1")}");
        var attributes = a1.GetProperty("attributes");
        Assert.Equal("Gold", attributes.GetProperty("Segment").GetString());
        Assert.Equal(120.5m, attributes.GetProperty("points").GetDecimal());
        Assert.True(attributes.GetProperty("vip").GetBoolean());
        Assert.Equal("01234", attributes.GetProperty("zip").GetString()); // text unless the header says otherwise
        var a2 = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/customers/{DeterministicGuid.ForCustomer("imp-a", "a2")}");
        Assert.Empty(a2.GetProperty("attributes").EnumerateObject());
        var errors = await ErrorsCsvAsync(report);
        Assert.Equal(["3,attr.points", "3,attr.vip"], errors.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))).ToList());
    }

    [Theory]
    [InlineData("source,external_id,attr.points:money\n", "use :text, :number or :boolean")]
    [InlineData("source,external_id,attr.\n", "needs a key")]
    [InlineData("source,external_id,attr.x,attr.x:number\n", "appears twice")]
    public async Task Customers_BadAttributeColumn_RefusesTheFile(string header, string message)
    {
        var response = await UploadAsync("customers", Encoding.UTF8.GetBytes(header + "s,e1\n"));

        var problem = await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, "header");
        Assert.Contains(message, problem.GetProperty("errors").GetProperty("header")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsAsJson_ListsEveryError()
    {
        var report = await ImportAsync("transactions", "source,order_id,customer_id,occurred_at,gross_amount,currency\nj,1,not-a-uuid,2024-01-01T00:00:00Z,1,EUR\n");

        var page = await _host.Client.GetFromJsonAsync<JsonElement>($"/v1/imports/{report.GetProperty("importId").GetGuid()}/errors?format=json");
        var errors = page.GetProperty("items");

        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        Assert.Equal(1, errors.GetArrayLength());
        Assert.Equal("customer_id", errors[0].GetProperty("field").GetString());
        Assert.Equal(1, errors[0].GetProperty("rowNumber").GetInt64());
    }

    [Theory]
    [InlineData("source,order_id,customer_external_id,occurred_at,gross_amount,currency,colour\n", "header", "unknown column 'colour'")]
    [InlineData("source,order_id,customer_external_id,occurred_at,currency\nx,1,c,2024-01-01T00:00:00Z,EUR\n", "header", "missing required column gross_amount")]
    [InlineData("source,order_id,occurred_at,gross_amount,currency\n", "header", "missing required column customer_id or customer_external_id")]
    [InlineData("source,order_id,customer_external_id,occurred_at,gross_amount\n", "header", "missing required column currency")]
    [InlineData("source,Source,order_id\n", "header", "appears twice")]
    [InlineData("{\"orders\": []}", "header", "unknown column")]
    [InlineData("", "file", "empty")]
    public async Task Upload_BadHeaderOrEmpty_Returns400NamingTheProblem_AndStoresNothing(string body, string field, string message)
    {
        var imports = await ImportCountAsync();

        var response = await UploadAsync("transactions", Encoding.UTF8.GetBytes(body));

        var problem = await RecordingTestHost.AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(imports);
    }

    [Fact]
    public async Task Upload_InvalidUtf8AnywhereOrBinary_Returns400NamingTheLine_AndStoresNothing()
    {
        var header = "source,order_id,customer_external_id,occurred_at,gross_amount,currency\n"u8.ToArray();
        var latin1 = header.Concat("x,1,c,2024-01-01T00:00:00Z,1,EUR\nx,2,Mu\xF1oz,2024-01-01T00:00:00Z,1,EUR\n"u8.ToArray()).ToArray();
        latin1[Array.IndexOf(latin1, (byte)'M') + 2] = 0xF1; // "Muñoz" in Latin-1: invalid as UTF-8
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];
        var utf16 = Encoding.Unicode.GetBytes("source,order_id\n");
        var imports = await ImportCountAsync();

        var invalid = await UploadAsync("transactions", latin1);
        var binary = await UploadAsync("transactions", png);
        var wide = await UploadAsync("transactions", utf16);

        var problem = await RecordingTestHost.AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "file");
        Assert.Contains("line 3 is not valid UTF-8", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        await RecordingTestHost.AssertProblemAsync(binary, HttpStatusCode.BadRequest, "file");
        await RecordingTestHost.AssertProblemAsync(wide, HttpStatusCode.BadRequest, "file");
        await AssertNothingStoredAsync(imports);
    }

    [Fact]
    public async Task Upload_WithBom_IsAccepted()
    {
        var report = await ImportAsync("transactions", "\uFEFFsource,order_id,customer_external_id,occurred_at,gross_amount,currency\n");

        Assert.Equal("completed", report.GetProperty("status").GetString());
        Assert.Equal(0, report.GetProperty("rowsRead").GetInt64());
    }

    [Fact]
    public async Task Upload_NotCsvContentType_Returns415()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");

        var response = await _host.Client.PostAsync("/v1/imports?kind=transactions", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Upload_BadOptions_Returns400NamingThem()
    {
        var kind = await UploadAsync("orders", "a\n"u8.ToArray());
        var currency = await UploadAsync("transactions", "a\n"u8.ToArray(), "&currency=EURO");
        var misplaced = await UploadAsync("customers", "a\n"u8.ToArray(), "&createCustomers=true&currency=EUR");

        await RecordingTestHost.AssertProblemAsync(kind, HttpStatusCode.BadRequest, "kind");
        await RecordingTestHost.AssertProblemAsync(currency, HttpStatusCode.BadRequest, "currency");
        await RecordingTestHost.AssertProblemAsync(misplaced, HttpStatusCode.BadRequest, "currency", "createCustomers");
    }

    [Fact]
    public async Task Upload_Returns202WithLocation_AndUnknownImportIs404()
    {
        var response = await UploadAsync("transactions", "source,order_id,customer_external_id,occurred_at,gross_amount,currency\n"u8.ToArray(), "&fileName=orders.csv");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("importId").GetGuid();
        Assert.Equal($"/v1/imports/{id}", response.Headers.Location?.ToString());
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal("orders.csv", (await WaitAsync(id)).GetProperty("fileName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"/v1/imports/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync($"/v1/imports/{Guid.NewGuid()}/errors")).StatusCode);
    }

    [Fact]
    public async Task Upload_QuotedFieldNeverClosed_FailsAtThatRow_AndKeepsTheRowsBefore()
    {
        await _host.CreateCustomerAsync("midway", "c1");
        var csv = "source,order_id,customer_external_id,occurred_at,gross_amount,currency\n"
            + string.Concat(Enumerable.Range(1, 7).Select(i => $"midway,M-{i},c1,2024-01-01T00:00:00Z,{i},EUR\n"))
            + "midway,M-8,\"c1" + new string('x', 10_000) + "\n";

        var report = await ImportAsync("transactions", csv);

        Assert.Equal("failed", report.GetProperty("status").GetString());
        Assert.Contains("row 8", report.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(7, report.GetProperty("rowsNew").GetInt64());
        Assert.Equal(7L, await _host.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE source = 'midway'"));
    }

    [Fact]
    public async Task OpenApi_NamesTheEndpoints_AndDocumentsTheColumns()
    {
        var document = await _host.Client.GetStringAsync("/openapi/v1.json");

        foreach (var name in new[] { "recordTransaction", "recordTransactionsBatch", "recordResponse", "recordResponsesBatch", "startImport", "getImport", "getImportErrors", "customer_external_id", "createCustomers=true" })
        {
            Assert.Contains(name, document, StringComparison.Ordinal);
        }
    }

    private async Task<JsonElement> ImportAsync(string kind, string csv, string options = "", TimeSpan? timeout = null)
    {
        var response = await UploadAsync(kind, Encoding.UTF8.GetBytes(csv), options);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await WaitAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid(), timeout);
    }

    private async Task<HttpResponseMessage> UploadAsync(string kind, byte[] body, string options = "")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await _host.Client.PostAsync($"/v1/imports?kind={kind}{options}", content);
    }

    private async Task<JsonElement> WaitAsync(Guid importId, TimeSpan? timeout = null) =>
        await ImportPolling.WaitAsync(_host.Client, importId, timeout);

    private async Task<string[]> ErrorsCsvAsync(JsonElement report)
    {
        var response = await _host.Client.GetAsync($"/v1/imports/{report.GetProperty("importId").GetGuid()}/errors");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Task<long> ImportCountAsync() => _host.ScalarAsync<long>("SELECT count(*) FROM imports");

    /// <summary>No import row and no file left behind (tests of one class run one at a time, so the count is ours).</summary>
    private async Task AssertNothingStoredAsync(long importsBefore)
    {
        Assert.Equal(importsBefore, await ImportCountAsync());
        Assert.Empty(Directory.Exists(fixture.SpoolDirectory) ? Directory.GetFiles(fixture.SpoolDirectory, "*.part") : []);
    }
}

/// <summary>Waits for an import to finish (completed or failed) and returns its report.</summary>
public static class ImportPolling
{
    public static async Task<JsonElement> WaitAsync(HttpClient client, Guid importId, TimeSpan? timeout = null) =>
        await Eventually.ValueAsync<object>(async () =>
        {
            var report = await client.GetFromJsonAsync<JsonElement>($"/v1/imports/{importId}");
            return report.GetProperty("status").GetString() is "completed" or "failed" ? report : null;
        }, $"import {importId} to finish", timeout ?? TimeSpan.FromSeconds(30)) is JsonElement done ? done : default;
}
