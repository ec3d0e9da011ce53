using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Channels;

/// <summary>
/// Posts one webhook batch, signed (<see cref="WebhookSignature"/>). A failure (connection refused, timeout, non-2xx) is
/// recorded on the delivery and thrown, so the scheduler retries with backoff; after the last attempt the delivery is
/// parked, visible at <c>GET /v1/deliveries?status=parked</c> and replayable.
/// </summary>
public sealed class DeliveryJobHandler(NpgsqlDataSource db, IHttpClientFactory httpClients, TimeProvider time) : IJobHandler<DeliveryJob>
{
    /// <summary>Name of the HttpClient webhooks are posted with (no retry handler: the scheduler owns retries).</summary>
    public const string HttpClientName = "campaigns-webhooks";

    private const string SelectSql = """
        SELECT d.status, d.channel, d.payload::text AS Payload, c.mode, c.url, c.secret
        FROM deliveries d LEFT JOIN channel_configs c ON c.channel = d.channel
        WHERE d.id = @Id
        """;

    private const string DeliveredSql = """
        UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = @Now, last_error = NULL
        WHERE id = @Id AND status = 'pending'
        """;

    private const string FailedSql = """
        UPDATE deliveries SET attempts = attempts + 1, last_error = @Error,
               status = CASE WHEN @Park THEN 'parked' ELSE status END
        WHERE id = @Id AND status = 'pending'
        """;

    /// <inheritdoc />
    public async Task RunAsync(DeliveryJob payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await db.OpenConnectionAsync(ct);
        var delivery = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql, new { Id = payload.DeliveryId }, cancellationToken: ct));
        if (delivery is not { Status: "pending" })
        {
            return; // delivered already, or parked and not replayed
        }

        string? error;
        if (delivery is not { Mode: "webhook", Url: { } url, Secret: { } secret })
        {
            error = $"channel {delivery.Channel} has no webhook configured";
        }
        else
        {
            error = await PostAsync(url, secret, delivery.Payload, ct);
        }

        if (error is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeliveredSql, new { Id = payload.DeliveryId, Now = time.GetUtcNow() }, cancellationToken: ct));
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(FailedSql, new { Id = payload.DeliveryId, Error = error, Park = job.IsLastAttempt }, cancellationToken: ct));
        if (job.IsLastAttempt)
        {
            throw new JobFailedException($"webhook delivery parked after {job.Attempt} attempts: {error}");
        }

        throw new HttpRequestException($"webhook delivery failed: {error}");
    }

    private async Task<string?> PostAsync(string url, string secret, string body, CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            return "timed out: " + e.Message;
        }
    }

    private sealed record Row(string Status, string Channel, string Payload, string? Mode, string? Url, string? Secret);
}
