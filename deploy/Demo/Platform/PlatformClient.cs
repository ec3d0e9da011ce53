using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Demo.Platform;

/// <summary>
/// The platform as the demo reaches it: everything through the gateway (<c>/{service}/...</c>), with the key of the scope
/// the call needs; admin calls (<c>/admin/keys</c>, <c>/{service}/admin/...</c>) with the admin key.
/// </summary>
public sealed class PlatformClient(HttpClient http, string adminKey)
{
    /// <summary>Key sent on ingestion calls (scope ingest; see <see cref="CreateKeyAsync"/>).</summary>
    public string? IngestKey { get; set; }

    /// <summary>Key sent on segmentation, campaigns and measurement calls (scope marketer).</summary>
    public string? MarketerKey { get; set; }

    /// <summary>Creates a gateway key with one scope (<c>POST /admin/keys</c>) and returns it.</summary>
    public async Task<string> CreateKeyAsync(string name, string scope, CancellationToken ct)
    {
        using var response = await SendAsync(() => Request(HttpMethod.Post, "/admin/keys", adminKey, JsonContent.Create(new { name, scopes = new[] { scope } })), ct);
        var body = await ReadAsync(response, "POST /admin/keys", ct);
        return body.GetProperty("key").GetString() ?? throw new PlatformException("POST /admin/keys answered without a key: " + body);
    }

    /// <summary>GET through the gateway.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>POST of JSON through the gateway.</summary>
    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    /// <summary>PUT of JSON through the gateway.</summary>
    public Task<JsonElement> PutAsync(string path, object body, CancellationToken ct) => SendAsync(HttpMethod.Put, path, body, ct);

    /// <summary>POST of a CSV file to Ingestion's bulk import; the import's id.</summary>
    public async Task<Guid> ImportAsync(string query, string csvPath, CancellationToken ct)
    {
        await using var file = File.OpenRead(csvPath);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var request = Request(HttpMethod.Post, "/ingestion/v1/imports?" + query, IngestKey, content);
        using var response = await http.SendAsync(request, ct); // once: the file is streamed
        var body = await ReadAsync(response, "POST /ingestion/v1/imports", ct);
        return body.GetProperty("importId").GetGuid();
    }

    /// <summary>An admin call on <paramref name="service"/> (e.g. <c>ingestion</c>, path <c>/admin/clock</c>).</summary>
    public async Task<JsonElement> AdminAsync(string service, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(() => Request(method, $"/{service}{path}", adminKey, body is null ? null : JsonContent.Create(body)), ct);
        return await ReadAsync(response, $"{method} /{service}{path}", ct);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var key = path.StartsWith("/ingestion/", StringComparison.Ordinal) ? IngestKey : MarketerKey;
        using var response = await SendAsync(() => Request(method, path, key, body is null ? null : JsonContent.Create(body)), ct);
        return await ReadAsync(response, $"{method} {path}", ct);
    }

    /// <summary>Sends, waiting out the gateway's per-key rate limit (429 with Retry-After) a few times.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            var response = await http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 5)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, ct);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? key, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new PlatformException($"{what} -> HTTP {(int)response.StatusCode}: {Truncate(text)}");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string Truncate(string text) => text.Length <= 2_000 ? text : text[..2_000] + "…";

    /// <summary>The UTF-8 encoding without BOM CSV files are written in.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
