using Dapper;
using MassTransit;
using Platform.Contracts.Campaigns;
using Platform.Data;

namespace Measurement.Features.Attribution;

/// <summary>
/// Keeps a campaign's contacts (once per contact id, whatever message carries it), adds the contacts actually stored to
/// the per-step counts, and re-derives the contacted customers' memberships (a first contact moves the window).
/// Contacts of customers erased here are not kept.
/// </summary>
public sealed class ContactsDispatchedConsumer(Inbox inbox) : IConsumer<ContactsDispatched>
{
    // step_stats counts only the rows this statement inserted, so a contact seen again adds nothing.
    private const string Sql = """
        WITH stored AS (
            INSERT INTO contacts (contact_id, campaign_id, customer_id, cell, wave, step, channel, offer_code, cost, at, status, block_reason)
            SELECT u.contact_id, @CampaignId, u.customer_id, u.cell, u.wave, u.step, u.channel, u.offer_code, u.cost, u.at, u.status, u.block_reason
            FROM unnest(@ContactIds, @CustomerIds, @Cells, @Waves, @Steps, @Channels, @OfferCodes, @Costs, @Ats, @Statuses, @BlockReasons)
                 AS u(contact_id, customer_id, cell, wave, step, channel, offer_code, cost, at, status, block_reason)
            WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id)
            ON CONFLICT (contact_id) DO NOTHING
            RETURNING *
        ),
        steps AS (
            INSERT INTO step_stats AS s (campaign_id, cell, wave, step, channel, status, block_reason, contacts, cost_sum)
            SELECT campaign_id, cell, wave, step, channel, status, coalesce(block_reason, ''), count(*), sum(cost)
            FROM stored
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            ORDER BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT (campaign_id, cell, wave, step, channel, status, block_reason) DO UPDATE SET
                contacts = s.contacts + excluded.contacts, cost_sum = s.cost_sum + excluded.cost_sum
        )
        SELECT DISTINCT customer_id FROM stored
        """;

    public Task Consume(ConsumeContext<ContactsDispatched> context) =>
        inbox.ProcessOnceAsync(context, nameof(ContactsDispatchedConsumer), async (tx, ct) =>
        {
            var m = context.Message;
            var c = m.Contacts;
            if (c.Count == 0)
            {
                return;
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            await MemberAttribution.LockAsync(tx, ct);
            var customers = (await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(Sql, new
            {
                m.CampaignId,
                ContactIds = c.Select(x => x.ContactId).ToArray(),
                CustomerIds = c.Select(x => x.CustomerId).ToArray(),
                Cells = c.Select(x => x.Cell).ToArray(),
                Waves = c.Select(x => x.Wave).ToArray(),
                Steps = c.Select(x => x.Step).ToArray(),
                Channels = c.Select(x => x.Channel).ToArray(),
                OfferCodes = c.Select(x => x.OfferCode).ToArray(),
                Costs = c.Select(x => x.Cost).ToArray(),
                Ats = c.Select(x => x.At.ToUniversalTime()).ToArray(),
                Statuses = c.Select(x => x.Status).ToArray(),
                BlockReasons = c.Select(x => x.BlockReason).ToArray(),
            }, tx, cancellationToken: ct))).ToArray();
            await MemberAttribution.RederiveCustomersAsync(tx, customers, includeTargeted: true, ct);
        });
}
