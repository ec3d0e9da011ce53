using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Records the control and global control members of a wave in the contacts ledger as blocked (reason <c>control</c>
/// or <c>global_control</c>, step 0, no channel, no cost), so an audit shows every member and that none was contacted.
/// In chunks, each its own transaction; a rerun skips those recorded.
/// </summary>
public sealed class HoldoutJobHandler(NpgsqlDataSource db, IOptions<DispatchOptions> options, TimeProvider time) : IJobHandler<HoldoutJob>
{
    private const string MembersSql = """
        SELECT a.customer_id AS CustomerId, a.cell FROM assignments a
        WHERE a.campaign_id = @CampaignId AND a.wave = @Wave AND a.cell IN ('control', 'global_control') AND a.customer_id > @After
          AND (SELECT 1 FROM contacts k WHERE k.campaign_id = @CampaignId AND k.step = 0 AND k.customer_id = a.customer_id LIMIT 1) IS NULL -- see StepJobHandler
        ORDER BY a.customer_id
        LIMIT @Limit
        """;

    private const string InsertSql = """
        INSERT INTO contacts (contact_id, campaign_id, customer_id, cell, wave, step, channel, offer_code, cost, at, status, block_reason)
        SELECT u.id, @CampaignId, u.customer, u.cell, @Wave, 0, NULL, NULL, 0, @Now, 'blocked', u.cell
        FROM unnest(@Ids, @Customers, @Cells) AS u (id, customer, cell)
        ON CONFLICT (contact_id) DO NOTHING
        """;

    /// <inheritdoc />
    public async Task RunAsync(HoldoutJob payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var after = Guid.Empty;
        await using (var analyze = await db.OpenConnectionAsync(ct))
        {
            await analyze.ExecuteAsync(new CommandDefinition("ANALYZE contacts", cancellationToken: ct)); // see StepJobHandler
        }

        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var members = (await connection.QueryAsync<(Guid CustomerId, string Cell)>(new CommandDefinition(MembersSql,
                new { payload.CampaignId, payload.Wave, After = after, Limit = options.Value.ChunkSize }, tx, cancellationToken: ct))).AsList();
            if (members.Count == 0)
            {
                return;
            }

            await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
            {
                payload.CampaignId, payload.Wave, Now = time.GetUtcNow(),
                Ids = members.Select(m => ContactIds.For(payload.CampaignId, m.CustomerId, 0)).ToArray(),
                Customers = members.Select(m => m.CustomerId).ToArray(),
                Cells = members.Select(m => m.Cell).ToArray(),
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            after = members[^1].CustomerId;
        }
    }
}
