using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Keeps responses to campaigns (once per response id, whether or not the campaign is known yet) and re-derives the
/// responding customers' memberships. Responses of customers erased here are not kept.
/// </summary>
public sealed class ResponsesRecordedConsumer(Inbox inbox) : IConsumer<ResponsesRecorded>
{
    private const string Sql = """
        WITH stored AS (
            INSERT INTO responses (response_id, campaign_code, customer_id, channel, type, occurred_at, value)
            SELECT u.*
            FROM unnest(@ResponseIds, @CampaignCodes, @CustomerIds, @Channels, @Types, @OccurredAts, @Values)
                 AS u(response_id, campaign_code, customer_id, channel, type, occurred_at, value)
            WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id)
            ON CONFLICT (response_id) DO NOTHING
            RETURNING customer_id
        )
        SELECT DISTINCT customer_id FROM stored
        """;

    public Task Consume(ConsumeContext<ResponsesRecorded> context) =>
        inbox.ProcessOnceAsync(context, nameof(ResponsesRecordedConsumer), async (tx, ct) =>
        {
            var r = context.Message.Responses;
            if (r.Count == 0)
            {
                return;
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            await MemberAttribution.LockAsync(tx, ct);
            var customers = (await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(Sql, new
            {
                ResponseIds = r.Select(x => x.ResponseId).ToArray(),
                CampaignCodes = r.Select(x => x.CampaignCode).ToArray(),
                CustomerIds = r.Select(x => x.CustomerId).ToArray(),
                Channels = r.Select(x => x.Channel).ToArray(),
                Types = r.Select(x => x.Type).ToArray(),
                OccurredAts = r.Select(x => x.OccurredAt.ToUniversalTime()).ToArray(),
                Values = r.Select(x => x.Value).ToArray(),
            }, tx, cancellationToken: ct))).ToArray();
            // Responses do not move a window, so the targeted customers (purchases since first targeted) stay as they are.
            await MemberAttribution.RederiveCustomersAsync(tx, customers, includeTargeted: false, ct);
        });
}
