using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// The hostile-input corpus (<see cref="HostileBodies"/>) posted through the gateway to every write operation of every
/// service, as found in their OpenAPI documents: never a 5xx, never a hang (a client timeout), every refusal a 4xx
/// <c>application/problem+json</c>, and nothing written (every table of every database, outbox included, unchanged).
/// </summary>
public sealed class HostileInputTests(AllServices services) : IClassFixture<AllServices>
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EveryWriteOperation_RefusesEveryHostileJsonBody_WithProblemDetails_AndWritesNothing()
    {
        using var client = services.CreateClient(RequestTimeout);
        var operations = new List<WriteOperation>();
        foreach (var service in AllServices.Names)
        {
            operations.AddRange(await WriteOperation.ListAsync(client, service));
        }

        // The enumeration itself is checked: it must find the operations known today.
        Assert.Contains(operations, o => o.Method == HttpMethod.Post && o.Template == "/ingestion/v1/customers");
        Assert.Contains(operations, o => o.Method == HttpMethod.Post && o.Template == "/ingestion/v1/transactions/batch" && o.BodyIsArray);
        Assert.Contains(operations, o => o.Method == HttpMethod.Delete && o.Template == "/ingestion/v1/customers/{customerId}");
        Assert.Contains(operations, o => o.Method == HttpMethod.Put && o.Template == "/segmentation/v1/scores/settings");
        Assert.Contains(operations, o => o.Method == HttpMethod.Put && o.Template == "/segmentation/v1/segments/{segmentId}");
        Assert.Contains(operations, o => o.Method == HttpMethod.Post && o.Template == "/campaigns/v1/campaigns");
        Assert.Contains(operations, o => o.Method == HttpMethod.Put && o.Template == "/campaigns/v1/campaigns/{campaignId}");
        Assert.Contains(operations, o => o.Method == HttpMethod.Post && o.Template == "/campaigns/v1/campaigns/{campaignId}/preview");
        Assert.Contains(operations, o => o.Method == HttpMethod.Post && o.Template == "/measurement/v1/stats/compare");
        Assert.Contains(operations, o => o.Method == HttpMethod.Post && o.Template == "/measurement/v1/stats/srm");

        var before = await services.FingerprintsAsync();
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            foreach (var (name, body) in HostileBodies.Json(operation))
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                await SendAsync(client, new HttpRequestMessage(operation.Method, operation.Url) { Content = content }, $"{operation} [{name}]", failures);
            }

            // Query strings are bound outside JSON: a NUL in one is refused too, naming the parameter.
            var parameter = operation.QueryParameters.Count > 0 ? operation.QueryParameters[0] : "q";
            await SendAsync(client, new HttpRequestMessage(operation.Method, $"{operation.Url}?{parameter}=a%00b"), $"{operation} [NUL in query parameter {parameter}]", failures);
        }

        Assert.Empty(failures);
        Assert.Equal(before, await services.FingerprintsAsync());
    }

    /// <summary>
    /// What the corpus decides for imports: a file whose problem shows in its bytes or header (encoding, NUL, binary,
    /// delimiter, a 50 MB header line) is refused at upload (400/415) and nothing is stored; a file whose problem shows
    /// only when rows are read (an unclosed quote, a 50 MB cell) may be accepted (202), and its import then ends with
    /// every bad row rejected or the import failed: its import record, row errors and job are kept (they are the report),
    /// but no data row (customers, transactions, responses, outbox) lands in any service.
    /// </summary>
    [Fact]
    public async Task ImportsEndpoint_RefusesHostileCsv_OrImportsNoRowOfIt()
    {
        using var client = services.CreateClient(RequestTimeout);
        var before = await services.FingerprintsAsync();
        var failures = new List<string>();
        var accepted = new List<(string Name, string Location)>();
        foreach (var (name, contentType, body) in HostileBodies.Csv())
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var request = new HttpRequestMessage(HttpMethod.Post, "/ingestion/v1/imports?kind=transactions&createCustomers=true&currency=USD") { Content = content };
            if (await SendAsync(client, request, $"CSV [{name}]", failures, allowAccepted: true) is { } location)
            {
                accepted.Add((name, "/ingestion" + location));
            }
        }

        // The positive marker: every accepted import has finished before the tables are compared.
        foreach (var (name, location) in accepted)
        {
            var finished = await Eventually.ValueAsync(async () =>
            {
                var report = await client.GetStringAsync(location);
                return JsonDocument.Parse(report).RootElement.GetProperty("status").GetString() is "completed" or "failed" ? report : null;
            }, $"import of CSV [{name}] finished");
            if (JsonDocument.Parse(finished).RootElement.TryGetProperty("rowsNew", out var rowsNew) && rowsNew.GetInt64() != 0)
            {
                failures.Add($"CSV [{name}]: imported {rowsNew} rows");
            }
        }

        Assert.Empty(failures);
        // An accepted import's job and its run history are bookkeeping too.
        var bookkeeping = new[]
        {
            "ingestion:public.imports", "ingestion:public.import_errors", "ingestion:public.import_chunks", "ingestion:public.jobs", "ingestion:public.job_runs",
        };
        var after = await services.FingerprintsAsync();
        Assert.Equal(
            before.Where(t => !bookkeeping.Contains(t.Key)),
            after.Where(t => !bookkeeping.Contains(t.Key)));
    }

    [Theory]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"a\u0000b"}""", "externalId")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"a\ud800b"}""", "externalId")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"e-1","attributes":{"k\u0000":"v"}}""", "attributes")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"e-1","attributes":{"k":"a\u0000b"}}""", "attributes.k")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"e-1","attributes":{"k":{"deep":["x","a\udc00"]}}}""", "attributes.k.deep[1]")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"e-1","nickname":"x"}""", "nickname")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"e-1","source":"web"}""", "source")]
    [InlineData("/ingestion/v1/customers", """{"source":"crm","externalId":"e-1","attributes":{"k":1,"k":2}}""", "attributes.k")]
    [InlineData("/ingestion/v1/customers/batch", """[{"source":"crm","externalId":"e-1"},{"source":"crm","externalId":"a\u0000b"}]""", "[1].externalId")]
    [InlineData("/segmentation/v1/segments/preview", """{"rule":{"field":"country","op":"eq","value":"S\u0000E"}}""", "rule.value")]
    [InlineData("/segmentation/v1/segments/preview", """{"rule":{"and":[{"field":"country","op":"eq","value":"SE","value":"NO"}]}}""", "rule")]
    public async Task BadTextOrShape_Is400NamingTheField(string path, string json, string field)
    {
        using var client = services.CreateClient(RequestTimeout);
        var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors name {field}: {errors}");
    }

    [Fact]
    public async Task ScoringSettings_WithUnrelatedFields_Is400NamingThem_AndKeepsTheSettings()
    {
        using var client = services.CreateClient(RequestTimeout);
        var settings = await client.GetStringAsync("/segmentation/v1/scores/settings");

        var response = await client.PutAsync("/segmentation/v1/scores/settings", new StringContent("""{"colour":"blue","size":3}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("colour", out _));
        Assert.Equal(settings, await client.GetStringAsync("/segmentation/v1/scores/settings"));
    }

    [Fact]
    public async Task StrictStringReading_KeepsStringTypesInTheOpenApiDocument()
    {
        using var client = services.CreateClient(RequestTimeout);
        var operations = await WriteOperation.ListAsync(client, "ingestion");

        var upsert = operations.Single(o => o.Method == HttpMethod.Post && o.Template == "/ingestion/v1/customers");
        Assert.Contains(("externalId", "string"), upsert.Properties);
    }

    [Fact]
    public async Task NulInAQueryParameter_Is400NamingIt()
    {
        using var client = services.CreateClient(RequestTimeout);
        var response = await client.PostAsync("/ingestion/v1/imports?kind=transactions&fileName=a%00b.csv", new StringContent("source\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("fileName", out _));
    }

    /// <summary>
    /// Sends <paramref name="request"/> and records what breaks the rules in <paramref name="failures"/>; returns the
    /// Location of a 202 when <paramref name="allowAccepted"/> (an import accepted for background checking).
    /// </summary>
    private static async Task<string?> SendAsync(HttpClient client, HttpRequestMessage request, string what, List<string> failures, bool allowAccepted = false)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (TaskCanceledException)
        {
            failures.Add($"{what}: no answer within {client.Timeout.TotalSeconds:N0} s");
            return null;
        }
        catch (HttpRequestException e)
        {
            failures.Add($"{what}: {e.Message}");
            return null;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var text = await response.Content.ReadAsStringAsync();
            if (allowAccepted && response.StatusCode == HttpStatusCode.Accepted)
            {
                return response.Headers.Location?.OriginalString;
            }

            if (status is < 400 or >= 500)
            {
                failures.Add($"{what}: {status} {text[..Math.Min(text.Length, 300)]}");
            }
            else if (mediaType != "application/problem+json")
            {
                failures.Add($"{what}: {status} with content type '{mediaType}', not application/problem+json");
            }

            return null;
        }
    }
}
