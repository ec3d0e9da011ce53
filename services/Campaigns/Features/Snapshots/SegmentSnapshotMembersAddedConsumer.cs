using Dapper;
using MassTransit;
using Platform.Contracts.Segmentation;
using Platform.Data;
using Platform.Data.Jobs;

namespace Campaigns.Features.Snapshots;

/// <summary>
/// One batch of a snapshot's members, in any order, before or after the header. <c>snapshot_batches</c> makes each
/// batch count once (the inbox only catches the same message again; Segmentation may also publish a batch anew); the
/// members go in with one set-based insert, but for customers erased here already (Segmentation may have frozen them
/// before it heard of the erasure), unless they registered again since. The batch that brings the last piece completes
/// the snapshot.
/// </summary>
public sealed class SegmentSnapshotMembersAddedConsumer(Inbox inbox, JobStore jobs, TimeProvider time) : IConsumer<SegmentSnapshotMembersAdded>
{
    private const string BatchSql = """
        INSERT INTO snapshot_batches (snapshot_id, batch_number) VALUES (@SnapshotId, @BatchNumber) ON CONFLICT DO NOTHING
        """;

    // batch_count from the batch too: a header that comes last then only adds as_of.
    private const string CountSql = """
        UPDATE snapshots SET batch_count = @BatchCount, member_count = @MemberCount
        WHERE snapshot_id = @SnapshotId AND batch_count IS NULL
        """;

    private const string MembersSql = """
        INSERT INTO snapshot_members (snapshot_id, customer_id, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle,
            consent_email, consent_sms, consent_mail, consent_phone)
        SELECT @SnapshotId, u.*
        FROM unnest(@CustomerIds, @ValueTiers, @Clvs, @DealSeekers, @NetRevenues, @Orders, @Lifecycles,
                    @ConsentEmails, @ConsentSms, @ConsentMails, @ConsentPhones)
             AS u(customer_id, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle, consent_email, consent_sms, consent_mail, consent_phone)
        WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id
                            AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = u.customer_id AND c.version > e.erased_version))
        ON CONFLICT DO NOTHING
        """;

    public Task Consume(ConsumeContext<SegmentSnapshotMembersAdded> context) =>
        inbox.ProcessOnceAsync(context, nameof(SegmentSnapshotMembersAddedConsumer), async (tx, ct) =>
        {
            var message = context.Message;
            if (await SnapshotReceipt.LockAsync(tx, message.SnapshotId, ct) is not { Status: "requested" } snapshot)
            {
                return;
            }

            var connection = tx.Connection!;
            if (await connection.ExecuteAsync(new CommandDefinition(BatchSql, new { message.SnapshotId, message.BatchNumber }, tx, cancellationToken: ct)) == 0)
            {
                return; // this batch is in already
            }

            await connection.ExecuteAsync(new CommandDefinition(CountSql, new { message.SnapshotId, message.BatchCount, message.MemberCount }, tx, cancellationToken: ct));
            await ErasureLock.LockSharedAsync(tx, ct);
            var members = message.Members;
            await connection.ExecuteAsync(new CommandDefinition(MembersSql, new
            {
                message.SnapshotId,
                CustomerIds = members.Select(m => m.CustomerId).ToArray(),
                ValueTiers = members.Select(m => m.ValueTier).ToArray(),
                Clvs = members.Select(m => m.Clv).ToArray(),
                DealSeekers = members.Select(m => m.DealSeeker).ToArray(),
                NetRevenues = members.Select(m => m.NetRevenue365).ToArray(),
                Orders = members.Select(m => m.Orders365).ToArray(),
                Lifecycles = members.Select(m => m.Lifecycle).ToArray(),
                ConsentEmails = members.Select(m => m.Consents.Email).ToArray(),
                ConsentSms = members.Select(m => m.Consents.Sms).ToArray(),
                ConsentMails = members.Select(m => m.Consents.Mail).ToArray(),
                ConsentPhones = members.Select(m => m.Consents.Phone).ToArray(),
            }, tx, cancellationToken: ct));
            await SnapshotReceipt.TryCompleteAsync(tx, snapshot, jobs, time.GetUtcNow(), ct);
        });
}
