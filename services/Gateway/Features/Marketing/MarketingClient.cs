using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Features.Marketing;

/// <summary>
/// The gateway's own calls to Campaigns and Measurement (named clients with the standard resilience handler; the OTel
/// HttpClient instrumentation forwards the request's trace context). Never throws for a service that is down: the
/// answer says so, and the caller leaves that part out.
/// </summary>
public sealed class MarketingClient(IHttpClientFactory clients, ILogger<MarketingClient> logger)
{
    public const string Campaigns = "Campaigns";
    public const string Measurement = "Measurement";

    /// <summary>Campaigns' <c>GET /v1/campaigns/{id}</c>: the design as stored, status and launch progress.</summary>
    public Task<ServiceAnswer> CampaignAsync(Guid id, CancellationToken ct) => GetAsync(Campaigns, $"/v1/campaigns/{id:D}", ct);

    /// <summary>Campaigns' list, with the marketer's own <c>status</c>, <c>after</c> and <c>limit</c>.</summary>
    public Task<ServiceAnswer> CampaignListAsync(IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct) =>
        GetAsync(Campaigns, QueryHelpers.AddQueryString("/v1/campaigns", query), ct);

    /// <summary>Measurement's <c>GET /v1/campaigns/{id}/results</c>.</summary>
    public Task<ServiceAnswer> ResultsAsync(Guid id, CancellationToken ct) => GetAsync(Measurement, $"/v1/campaigns/{id:D}/results", ct);

    /// <summary>Measurement's side-by-side headlines (<c>GET /v1/results?campaign=…</c>) of at most 20 campaigns.</summary>
    public Task<ServiceAnswer> HeadlinesAsync(IReadOnlyList<Guid> ids, CancellationToken ct) =>
        GetAsync(Measurement, QueryHelpers.AddQueryString("/v1/results", ids.Select(id => new KeyValuePair<string, string?>("campaign", id.ToString("D")))), ct);

    private async Task<ServiceAnswer> GetAsync(string service, string path, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await clients.CreateClient(service).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            JsonElement? body = null;
            if (response.Content.Headers.ContentType?.MediaType is { } type && type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
                body = document.RootElement.Clone();
            }

            if (status >= 500)
            {
                var title = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("title", out var t) ? t.GetString() : null;
                return new ServiceAnswer(status, body, title ?? $"{service} answered {status}");
            }

            return new ServiceAnswer(status, body, null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "{Service} did not answer GET {Path}", service, path);
            return new ServiceAnswer(null, null, $"{service} did not answer: {e.Message}");
        }
    }
}
