using System.Globalization;
using Demo.Generation;
using Demo.Simulation;

namespace Demo.Platform;

/// <summary>
/// Sends the simulator's events the way the channels and the shop would: responses to
/// <c>/ingestion/v1/responses/batch</c>, orders to <c>/ingestion/v1/transactions/batch</c>, in batches of at most 5,000.
/// </summary>
public sealed class EventPoster(PlatformClient client, string customerSource, string orderSource, string currency)
{
    private const int BatchSize = 5_000;
    private long _sequence;

    /// <summary>Orders sent so far.</summary>
    public long Orders { get; private set; }

    /// <summary>Responses sent so far.</summary>
    public long Responses { get; private set; }

    /// <summary>Net revenue (gross − discount) of the orders sent so far.</summary>
    public decimal OrdersNet { get; private set; }

    /// <summary>Sends <paramref name="events"/> (times relative to <paramref name="historyEnd"/>).</summary>
    public async Task PostAsync(IReadOnlyList<SimulatedEvent> events, DateTimeOffset historyEnd, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var responses = events.Where(e => !e.IsOrder).Select(e => (object)new
        {
            source = e.Channel == "phone" ? "callcentre" : "mailhouse",
            responseId = "r" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture) + "-" + orderSource,
            campaignCode = e.CampaignCode,
            customerExternalId = e.Customer.ExternalId,
            customerSource,
            channel = e.Channel,
            type = e.ResponseType,
            occurredAt = CustomerBaseCsv.Timestamp(historyEnd.AddDays(e.Day)),
            value = e.Order?.Gross,
        }).ToList();
        var orders = events.Where(e => e.IsOrder).Select(e => new
        {
            source = orderSource,
            orderId = "s" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture),
            customerExternalId = e.Customer.ExternalId,
            customerSource,
            occurredAt = CustomerBaseCsv.Timestamp(historyEnd.AddDays(e.Day)),
            grossAmount = e.Order!.Gross,
            discountAmount = e.Order.Discount,
            currency,
            promotionCode = e.Order.PromotionCode,
            campaignCode = e.Order.CampaignCode,
            channel = "web",
        }).ToList();
        foreach (var batch in responses.Chunk(BatchSize))
        {
            await client.PostAsync("/ingestion/v1/responses/batch", batch, ct);
            Responses += batch.Length;
        }

        foreach (var batch in orders.Chunk(BatchSize))
        {
            await client.PostAsync("/ingestion/v1/transactions/batch", batch, ct);
            Orders += batch.Length;
            OrdersNet += batch.Sum(o => o.grossAmount - o.discountAmount);
        }
    }
}
