using Campaigns.Features.Design;
using Campaigns.Features.Channels;
using Campaigns.Features.Policy;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.Campaigns;
using Platform.Data;
using Platform.Data.Jobs;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// Runs one step of one cell and wave: members in value order (CLV, then net revenue), in chunks of
/// <see cref="DispatchOptions.ChunkSize"/>, each chunk one transaction holding its contacts and blocks, deferrals,
/// webhook batches and <see cref="ContactsDispatched"/> events. A member with a contact row is done, so a run that
/// died resumes where it stopped; deferred members (quiet hours, capacity) are taken again when their time comes (the
/// job waits for the earliest). A cancelled campaign stops at the next chunk.
/// </summary>
public sealed class StepJobHandler(NpgsqlDataSource db, Outbox outbox, DeliveryBatches deliveries, IOptions<DispatchOptions> options, TimeProvider time)
    : IJobHandler<StepJob>
{
    /// <summary>Dispatch chunks of all campaigns take turns: frequency caps and capacity count contacts of all of them.</summary>
    /// <remarks>Public so that a test can hold it to catch a step job while it runs.</remarks>
    public const long DispatchLock = 0x636f6e7461637473; // "contacts"

    private const string LockSql = "SELECT pg_advisory_xact_lock(@Lock)";

    private const string CampaignSql = """
        SELECT id, code, status, design::text AS Design, launched_at AS LaunchedAt FROM campaigns WHERE id = @Id FOR UPDATE
        """;

    private const string RunningSql = "UPDATE campaigns SET status = 'running', updated_at = @Now WHERE id = @Id AND status = 'scheduled'";

    // Members not yet done and not deferred past now, in value order from the keyset position of this run.
    private const string CandidatesSql = """
        SELECT a.customer_id AS CustomerId, a.clv, a.net_revenue_365 AS NetRevenue365,
               c.first_name AS FirstName, c.last_name AS LastName, c.email, c.phone, c.address_line AS AddressLine,
               c.postal_code AS PostalCode, c.city, c.region, btrim(c.country) AS Country,
               c.consent_email AS ConsentEmail, c.consent_sms AS ConsentSms, c.consent_mail AS ConsentMail, c.consent_phone AS ConsentPhone,
               ARRAY(SELECT DISTINCT r.channel FROM responses r WHERE r.customer_id = a.customer_id AND r.type = @OptedOut) AS OptedOutChannels,
               EXISTS (SELECT 1 FROM responses r WHERE r.campaign_code = @Code AND r.customer_id = a.customer_id AND r.type = ANY(@RespondedTypes)) AS Responded,
               EXISTS (SELECT 1 FROM contacts p JOIN responses r ON r.campaign_code = @Code AND r.customer_id = a.customer_id
                         AND r.type = ANY(@ReachedTypes)
                         AND r.channel = CASE p.channel WHEN 'direct_mail' THEN 'mail' WHEN 'outbound_call' THEN 'phone' ELSE p.channel END
                       WHERE p.campaign_id = a.campaign_id AND p.customer_id = a.customer_id AND p.step = @Step - 1
                         AND p.status IN ('dispatched', 'exported')) AS PreviousReached,
               s.consent_email AS LaunchConsentEmail, s.consent_sms AS LaunchConsentSms, s.consent_mail AS LaunchConsentMail,
               s.consent_phone AS LaunchConsentPhone
        FROM assignments a
        JOIN campaigns cp ON cp.id = a.campaign_id
        LEFT JOIN customers c ON c.customer_id = a.customer_id
        LEFT JOIN snapshot_members s ON s.snapshot_id = cp.snapshot_id AND s.customer_id = a.customer_id
        WHERE a.campaign_id = @CampaignId AND a.wave = @Wave AND a.cell = @Cell
          AND (coalesce(a.clv, '-infinity'::float8), a.net_revenue_365, a.customer_id) < (@AfterClv, @AfterRevenue, @AfterCustomer)
          -- Scalar subqueries, not NOT EXISTS: they stay one index lookup per member whatever the statistics say
          -- (as an anti-join, statistics from before the step made the planner scan the step's contacts per member).
          AND (SELECT 1 FROM contacts k WHERE k.campaign_id = @CampaignId AND k.step = @Step AND k.customer_id = a.customer_id LIMIT 1) IS NULL
          AND (SELECT 1 FROM contact_deferrals d WHERE d.campaign_id = @CampaignId AND d.customer_id = a.customer_id
                 AND d.step = @Step AND d.not_before > @Now LIMIT 1) IS NULL
          AND NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = a.customer_id)
        ORDER BY coalesce(a.clv, '-infinity'::float8) DESC, a.net_revenue_365 DESC, a.customer_id DESC
        LIMIT @Limit
        """;

    private const string RecentSql = """
        SELECT customer_id AS CustomerId, channel, at FROM contacts
        WHERE customer_id = ANY(@Ids) AND status IN ('dispatched', 'exported') AND at > @Since
        """;

    private const string UsedTodaySql = """
        SELECT channel, count(*)::int AS Count FROM contacts
        WHERE status IN ('dispatched', 'exported') AND channel = ANY(@Channels) AND at >= @DayStart AND at <= @Now GROUP BY channel
        """;

    private const string SpentSql = "SELECT coalesce(sum(cost), 0) FROM contacts WHERE campaign_id = @Id";

    private const string InsertContactsSql = """
        INSERT INTO contacts (contact_id, campaign_id, customer_id, cell, wave, step, channel, offer_code, cost, at, status, block_reason)
        SELECT u.id, @CampaignId, u.customer, @Cell, @Wave, @Step, u.channel, @OfferCode, u.cost, @Now, u.status, u.reason
        FROM unnest(@Ids, @Customers, @Channels, @Costs, @Statuses, @Reasons) AS u (id, customer, channel, cost, status, reason)
        ON CONFLICT (contact_id) DO NOTHING
        RETURNING contact_id
        """;

    private const string InsertDeferralsSql = """
        INSERT INTO contact_deferrals (campaign_id, customer_id, step, channel, reason, at, not_before)
        SELECT @CampaignId, u.customer, @Step, u.channel, u.reason, @Now, u.not_before
        FROM unnest(@Customers, @Channels, @Reasons, @NotBefores) AS u (customer, channel, reason, not_before)
        """;

    // The earliest time a deferred member not yet done may be taken again (its latest deferral counts).
    private const string NextDeferralSql = """
        SELECT min(latest) FROM (
            SELECT max(d.not_before) AS latest FROM contact_deferrals d
            JOIN assignments a ON a.campaign_id = d.campaign_id AND a.customer_id = d.customer_id AND a.wave = @Wave AND a.cell = @Cell
            WHERE d.campaign_id = @CampaignId AND d.step = @Step
              AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.campaign_id = d.campaign_id AND k.customer_id = d.customer_id AND k.step = @Step)
              AND NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = d.customer_id)
            GROUP BY d.customer_id) AS members
        """;

    /// <inheritdoc />
    public async Task RunAsync(StepJob payload, JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        while (true)
        {
            // Contacts grow by whole steps at a time; with statistics from before, the planner's "not contacted yet"
            // check turns into a scan of all contacts per chunk. A sample costs milliseconds.
            await using (var analyze = await db.OpenConnectionAsync(ct))
            {
                await analyze.ExecuteAsync(new CommandDefinition("ANALYZE contacts", cancellationToken: ct));
            }

            var after = (Clv: double.PositiveInfinity, Revenue: decimal.MaxValue, Customer: Guid.AllBitsSet);
            while (await RunChunkAsync(payload, after, ct) is { } last)
            {
                after = last;
            }

            // Members put off by quiet hours or capacity: this job comes back when the first of them is due. One whose
            // time came while this pass ran is taken by another pass at once.
            await using var connection = await db.OpenConnectionAsync(ct);
            if (await StatusAsync(connection, payload.CampaignId, ct) is not ("scheduled" or "running"))
            {
                return;
            }

            var next = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(NextDeferralSql,
                new { payload.CampaignId, payload.Wave, payload.Cell, payload.Step }, cancellationToken: ct));
            if (next is not { } due)
            {
                return;
            }

            var until = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc));
            if (until > time.GetUtcNow())
            {
                // The due time itself, not a wait from now: the clock may move before the ending is recorded.
                throw new JobDeferredException("members deferred by the contact policy", until);
            }
        }
    }

    /// <summary>One chunk in one transaction; returns the keyset position of its last member, or null when the step has no member left to take now.</summary>
    private async Task<(double, decimal, Guid)?> RunChunkAsync(StepJob payload, (double Clv, decimal Revenue, Guid Customer) after, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(LockSql, new { Lock = DispatchLock }, tx, cancellationToken: ct));
        var campaign = await connection.QuerySingleAsync<CampaignRow>(new CommandDefinition(CampaignSql, new { Id = payload.CampaignId }, tx, cancellationToken: ct));
        if (campaign.Status is not ("scheduled" or "running"))
        {
            return null; // cancelled (or completed): future steps do not run
        }

        var now = time.GetUtcNow();
        var design = CampaignDesignJson.Deserialize(campaign.Design);
        var cell = design.Cells.Single(c => c.Code == payload.Cell);
        var step = cell.Steps.Single(s => s.Number == payload.Step);
        var members = (await connection.QueryAsync<MemberCandidate>(new CommandDefinition(CandidatesSql, new
        {
            payload.CampaignId, payload.Wave, payload.Cell, payload.Step, campaign.Code, Now = now,
            OptedOut = ResponseTypes.OptedOut, RespondedTypes = ResponseTypes.Responded, ReachedTypes = ResponseTypes.Reached,
            AfterClv = after.Clv, AfterRevenue = after.Revenue, AfterCustomer = after.Customer, Limit = options.Value.ChunkSize,
        }, tx, cancellationToken: ct))).AsList();
        if (members.Count == 0)
        {
            await tx.CommitAsync(ct);
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(RunningSql, new { campaign.Id, Now = now }, tx, cancellationToken: ct));
        var policy = await ContactPolicyStore.LoadAsync(connection, tx, ct);
        var globalControl = await GlobalControl.LoadAsync(connection, tx, ct);
        var ids = members.Select(m => m.CustomerId).ToArray();
        var recent = (await connection.QueryAsync<(Guid CustomerId, string Channel, DateTimeOffset At)>(new CommandDefinition(RecentSql,
                new { Ids = ids, Since = now.AddDays(-policy.LongestCapDays) }, tx, cancellationToken: ct)))
            .GroupBy(r => r.CustomerId)
            .ToDictionary(g => g.Key, g => g.Select(r => (r.Channel, r.At)).ToList());
        // Counted only where a limit needs them: on a big step these sums grow with every chunk.
        var capped = step.Channels.Where(policy.DailyCapacity.ContainsKey).ToArray();
        var usedToday = capped.Length == 0 ? new Dictionary<string, int>(StringComparer.Ordinal)
            : (await connection.QueryAsync<(string Channel, int Count)>(new CommandDefinition(UsedTodaySql,
                    new { Channels = capped, DayStart = policy.DayStart(now), Now = now }, tx, cancellationToken: ct)))
                .ToDictionary(u => u.Channel, u => u.Count, StringComparer.Ordinal);
        var spent = design.Budget is null ? 0m
            : await connection.ExecuteScalarAsync<decimal>(new CommandDefinition(SpentSql, new { campaign.Id }, tx, cancellationToken: ct));
        var decider = new ContactDecider(policy, globalControl, step, now, design.Budget, spent, usedToday);

        var rows = new List<(MemberCandidate Member, ContactDecision Decision)>(members.Count);
        foreach (var member in members)
        {
            if (!recent.TryGetValue(member.CustomerId, out var history))
            {
                recent[member.CustomerId] = history = [];
            }

            rows.Add((member, decider.Decide(member, history)));
        }

        var recorded = rows.Where(r => r.Decision.Outcome != ContactOutcome.Defer).ToList();
        var modes = await deliveries.ModesAsync(connection, tx, ct);
        string StatusOf(ContactDecision d) => d.Outcome switch
        {
            ContactOutcome.Contact => modes.GetValueOrDefault(d.Channel!) == "webhook" ? ContactStatus.Dispatched : ContactStatus.Exported,
            ContactOutcome.Skip => ContactStatus.Skipped,
            _ => ContactStatus.Blocked,
        };
        var inserted = (await connection.QueryAsync<Guid>(new CommandDefinition(InsertContactsSql, new
        {
            payload.CampaignId, payload.Cell, payload.Wave, payload.Step, cell.OfferCode, Now = now,
            Ids = recorded.Select(r => ContactIds.For(payload.CampaignId, r.Member.CustomerId, payload.Step)).ToArray(),
            Customers = recorded.Select(r => r.Member.CustomerId).ToArray(),
            Channels = recorded.Select(r => r.Decision.Channel).ToArray(),
            Costs = recorded.Select(r => r.Decision.Outcome == ContactOutcome.Contact ? step.CostPerContact : 0m).ToArray(),
            Statuses = recorded.Select(r => StatusOf(r.Decision)).ToArray(),
            Reasons = recorded.Select(r => r.Decision.Reason).ToArray(),
        }, tx, cancellationToken: ct))).ToHashSet();

        var deferred = rows.Where(r => r.Decision.Outcome == ContactOutcome.Defer).ToList();
        if (deferred.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertDeferralsSql, new
            {
                payload.CampaignId, payload.Step, Now = now,
                Customers = deferred.Select(r => r.Member.CustomerId).ToArray(),
                Channels = deferred.Select(r => r.Decision.Channel!).ToArray(),
                Reasons = deferred.Select(r => r.Decision.Reason!).ToArray(),
                NotBefores = deferred.Select(r => r.Decision.NotBefore!.Value).ToArray(),
            }, tx, cancellationToken: ct));
        }

        // Only rows this chunk inserted are told: a member another run recorded first was told by that run.
        var told = recorded
            .Where(r => r.Decision.Outcome != ContactOutcome.Skip && inserted.Contains(ContactIds.For(payload.CampaignId, r.Member.CustomerId, payload.Step)))
            .ToList();
        var records = told.Select(r => new ContactRecord
        {
            ContactId = ContactIds.For(payload.CampaignId, r.Member.CustomerId, payload.Step),
            CustomerId = r.Member.CustomerId,
            Cell = payload.Cell,
            Wave = payload.Wave,
            Step = payload.Step,
            Channel = r.Decision.Channel ?? "",
            OfferCode = cell.OfferCode,
            Cost = r.Decision.Outcome == ContactOutcome.Contact ? step.CostPerContact : 0m,
            At = now,
            Status = StatusOf(r.Decision),
            BlockReason = r.Decision.Reason,
        }).ToList();
        await outbox.AddRangeAsync(tx, records.Chunk(1_000).Select(c => new ContactsDispatched { CampaignId = payload.CampaignId, Contacts = c }).ToList(), ct);

        var webhook = told
            .Where(r => r.Decision.Outcome == ContactOutcome.Contact && modes.GetValueOrDefault(r.Decision.Channel!) == "webhook")
            .Select(r => (r.Member, r.Decision.Channel!))
            .ToList();
        await deliveries.AddAsync(tx, campaign, payload, cell.OfferCode, policy, webhook, now, ct);
        await tx.CommitAsync(ct);
        var last = members[^1];
        return (last.Clv ?? double.NegativeInfinity, last.NetRevenue365, last.CustomerId); // the order's coalesce(clv, -infinity)
    }

    private static async Task<string?> StatusAsync(NpgsqlConnection connection, Guid id, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT status FROM campaigns WHERE id = @id", new { id }, cancellationToken: ct));
}
