using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Campaigns.Features.Responses;

/// <summary>
/// Keeps the responses to campaigns (conditions of later steps, opt-outs). Idempotent by response id, whatever message
/// carries it; responses of customers erased here are not kept.
/// </summary>
public sealed class ResponsesRecordedConsumer(Inbox inbox) : IConsumer<ResponsesRecorded>
{
    private const string InsertSql = """
        INSERT INTO responses (response_id, campaign_code, customer_id, channel, type, occurred_at)
        SELECT u.*
        FROM unnest(@ResponseIds, @CampaignCodes, @CustomerIds, @Channels, @Types, @OccurredAts)
             AS u(response_id, campaign_code, customer_id, channel, type, occurred_at)
        WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id)
        ON CONFLICT (response_id) DO NOTHING
        """;

    public Task Consume(ConsumeContext<ResponsesRecorded> context) =>
        inbox.ProcessOnceAsync(context, nameof(ResponsesRecordedConsumer), async (tx, ct) =>
        {
            var responses = context.Message.Responses;
            if (responses.Count == 0)
            {
                return;
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, new
            {
                ResponseIds = responses.Select(r => r.ResponseId).ToArray(),
                CampaignCodes = responses.Select(r => r.CampaignCode).ToArray(),
                CustomerIds = responses.Select(r => r.CustomerId).ToArray(),
                Channels = responses.Select(r => r.Channel).ToArray(),
                Types = responses.Select(r => r.Type).ToArray(),
                OccurredAts = responses.Select(r => r.OccurredAt.ToUniversalTime()).ToArray(),
            }, tx, cancellationToken: ct));
        });
}
