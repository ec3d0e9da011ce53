using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace EndToEnd;

/// <summary>CSV files sent through the gateway, as a partner system sends them: bulk imports into Ingestion, files to Campaigns.</summary>
public static class CsvUploads
{
    /// <summary>
    /// Uploads <paramref name="csv"/> to <c>POST /ingestion/v1/imports?kind=…</c> (<paramref name="options"/> appended, e.g.
    /// <c>&amp;currency=USD</c>) and waits until the import completed without a row error.
    /// </summary>
    public static async Task ImportAsync(HttpClient client, string kind, string csv, string options)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var upload = await client.PostAsync($"/ingestion/v1/imports?kind={kind}{options}", content);
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var importId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetGuid();
        var report = await Eventually.ValueAsync(async () =>
        {
            var r = await client.GetFromJsonAsync<JsonElement>($"/ingestion/v1/imports/{importId}");
            return r.GetProperty("status").GetString() is "completed" or "failed" ? r.GetRawText() : null;
        }, $"the {kind} import to complete", TimeSpan.FromMinutes(3));
        using var json = JsonDocument.Parse(report);
        Assert.True(json.RootElement.GetProperty("status").GetString() == "completed", report);
        Assert.True(json.RootElement.GetProperty("errorCount").GetInt64() == 0, report);
    }

    /// <summary>POSTs <paramref name="csv"/> as <c>text/csv</c> to <paramref name="path"/> and expects 200.</summary>
    public static async Task PostAsync(HttpClient client, string path, string csv)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var response = await client.PostAsync(path, content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync()}");
    }
}
