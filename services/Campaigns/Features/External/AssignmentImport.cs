using Campaigns.Features.Launch;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Campaigns;
using Platform.Data;
using Platform.Data.Staging;
using Platform.ServiceDefaults;
using AssignmentRecord = Platform.Contracts.Campaigns.Assignment;

namespace Campaigns.Features.External;

/// <summary>
/// Imports the assignments of an external campaign (executed by an agency or a mail house) from a CSV file: one row per
/// member with its cell (control included) and wave, and optionally the attributes the analysis uses. All or nothing:
/// the rows are copied into a stage and checked (each row's fields, then duplicates, unknown customers) before anything
/// is stored; any error refuses the whole file with every error named. Then the assignments are stored and
/// <see cref="CampaignLaunched"/> and the <see cref="CustomersAssigned"/> batches go to the outbox in the same
/// transaction, so Measurement treats the campaign like a launched one. Importing the same file again changes nothing.
/// </summary>
public sealed class AssignmentImport(NpgsqlDataSource dataSource, Outbox outbox, TimeProvider time)
{
    /// <summary>Assignments per <see cref="CustomersAssigned"/> message.</summary>
    public const int BatchSize = 1_000;

    internal static readonly string[] Optional = ["wave", "value_tier", "clv", "deal_seeker", "net_revenue_365", "orders_365", "lifecycle"];

    private static readonly string[] Tiers = ["top", "middle", "bottom"];
    private static readonly string[] Lifecycles = ["prospect", "customer"];

    private const string StageSql = """
        CREATE TEMP TABLE external_assignments (
            row_number integer NOT NULL, customer_id uuid NOT NULL, cell text NOT NULL, wave integer NOT NULL, value_tier text,
            clv double precision, deal_seeker boolean NOT NULL, net_revenue_365 numeric NOT NULL, orders_365 integer NOT NULL, lifecycle text
        ) ON COMMIT DROP
        """;

    private const string CopySql = """
        COPY external_assignments (row_number, customer_id, cell, wave, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string DuplicatesSql = """
        SELECT row_number AS Row, first_row AS FirstRow FROM (
            SELECT row_number, first_value(row_number) OVER (PARTITION BY customer_id ORDER BY row_number) AS first_row FROM external_assignments) d
        WHERE row_number <> first_row ORDER BY row_number LIMIT @Limit
        """;

    private const string UnknownSql = """
        SELECT s.row_number FROM external_assignments s
        WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id) ORDER BY s.row_number LIMIT @Limit
        """;

    private const string SameAsStoredSql = """
        SELECT (SELECT count(*) FROM assignments WHERE campaign_id = @CampaignId) = (SELECT count(*) FROM external_assignments)
           AND NOT EXISTS (SELECT customer_id, cell, wave FROM external_assignments
                           EXCEPT SELECT customer_id, cell, wave FROM assignments WHERE campaign_id = @CampaignId)
        """;

    private const string InsertSql = """
        INSERT INTO assignments (campaign_id, customer_id, cell, wave, global_control, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle)
        SELECT @CampaignId, customer_id, cell, wave, false, value_tier, clv, deal_seeker, net_revenue_365, orders_365, lifecycle FROM external_assignments
        """;

    private const string CellsSql = "SELECT cell, count(*)::int FROM external_assignments GROUP BY cell ORDER BY cell";

    private const string PageSql = """
        SELECT customer_id AS CustomerId, cell AS Cell, wave AS Wave, value_tier AS ValueTier, clv AS Clv, deal_seeker AS DealSeeker,
               net_revenue_365 AS NetRevenue365, orders_365 AS Orders365, lifecycle AS Lifecycle
        FROM external_assignments WHERE customer_id > @After ORDER BY customer_id LIMIT @Limit
        """;

    private const string LaunchedSql = """
        UPDATE campaigns SET status = 'running', launch_state = 'assigned', member_count = @Count, assigned_count = @Count,
            launched_at = @LaunchedAt, launched_waves = @Waves::jsonb, updated_at = @Now
        WHERE id = @CampaignId
        """;

    /// <summary>
    /// Imports <paramref name="csv"/> into <paramref name="campaignId"/>. <paramref name="startedAt"/> is when the
    /// campaign started, required when its design has no waves (waves carry their own start).
    /// </summary>
    public async Task<ExternalImportOutcome> ImportAsync(Guid campaignId, TextReader csv, DateTimeOffset? startedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var errors = new ValidationErrors();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (campaign, refusal) = await ExternalCampaign.LockForImportAsync(tx, campaignId, "assignments", ct);
        if (campaign is null)
        {
            return refusal!;
        }

        var waves = campaign.Design.Waves;
        if (waves.Count == 0 && startedAt is null && campaign.LaunchedAt is null)
        {
            errors.Add("startedAt", "is required when the design has no waves (when the campaign started: its control members are measured from then)");
            return ExternalImportOutcome.Invalid(errors, 0);
        }

        await connection.ExecuteAsync(new CommandDefinition(StageSql, transaction: tx, cancellationToken: ct));
        await using var file = await ExternalCsv.OpenAsync(csv, ["cell"], Optional, errors, ct);
        if (file is null)
        {
            return ExternalImportOutcome.Invalid(errors, 0);
        }

        var cells = campaign.Design.Cells.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var maxWave = Math.Max(1, waves.Count);
        var rows = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(CopySql, ct))
        {
            while (await file.ReadAsync(ct))
            {
                var before = file.ErrorCount;
                var customer = file.Customer();
                var cell = file.Text("cell");
                if (cell is null)
                {
                    file.AddError("cell", "is required");
                }
                else if (!cells.Contains(cell))
                {
                    file.AddError("cell", $"must be one of the design's cells: {string.Join(", ", cells)}");
                }

                var wave = file.Integer("wave", 1, 1, maxWave);
                var tier = file.Text("value_tier")?.ToLowerInvariant();
                if (tier is not null && !Tiers.Contains(tier))
                {
                    file.AddError("value_tier", "must be top, middle or bottom");
                }

                var lifecycle = file.Text("lifecycle")?.ToLowerInvariant();
                if (lifecycle is not null && !Lifecycles.Contains(lifecycle))
                {
                    file.AddError("lifecycle", "must be prospect or customer");
                }

                var clv = file.Double("clv");
                var dealSeeker = file.Boolean("deal_seeker");
                var revenue = file.Decimal("net_revenue_365", allowNegative: true);
                var orders = file.Integer("orders_365", 0, 0, 1_000_000);
                if (file.ErrorCount > before)
                {
                    continue;
                }

                rows++;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(file.Row, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(customer!.Value, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(cell!, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(wave!.Value, NpgsqlDbType.Integer, ct);
                await copy.WriteOptionalAsync(tier, ct);
                if (clv is { } c)
                {
                    await copy.WriteAsync(c, NpgsqlDbType.Double, ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                }

                await copy.WriteAsync(dealSeeker ?? false, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync(revenue ?? 0m, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(orders!.Value, NpgsqlDbType.Integer, ct);
                await copy.WriteOptionalAsync(lifecycle, ct);
            }

            await copy.CompleteAsync(ct);
        }

        if (file.Row == 0)
        {
            errors.Add("file", "has no rows");
        }

        var errorCount = file.ErrorCount;
        foreach (var d in await connection.QueryAsync<(int Row, int FirstRow)>(new CommandDefinition(DuplicatesSql, new { Limit = ExternalCsv.MaxListedErrors }, tx, cancellationToken: ct)))
        {
            errorCount++;
            errors.Add($"rows[{d.Row}].customer", $"the customer was already assigned in row {d.FirstRow}");
        }

        foreach (var row in await connection.QueryAsync<int>(new CommandDefinition(UnknownSql, new { Limit = ExternalCsv.MaxListedErrors }, tx, cancellationToken: ct)))
        {
            errorCount++;
            errors.Add($"rows[{row}].customer", "is not a customer of the platform (ingest the customer first)");
        }

        if (errors.HasErrors)
        {
            return ExternalImportOutcome.Invalid(errors, errorCount);
        }

        var byCell = (await connection.QueryAsync<(string Cell, int Count)>(new CommandDefinition(CellsSql, transaction: tx, cancellationToken: ct)))
            .ToDictionary(c => c.Cell, c => c.Count, StringComparer.Ordinal);
        if (campaign.LaunchState == "assigned")
        {
            var same = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SameAsStoredSql, new { CampaignId = campaignId }, tx, cancellationToken: ct));
            return same
                ? ExternalImportOutcome.Imported(new ExternalImportResult(rows, byCell, Replayed: true))
                : ExternalImportOutcome.Conflict("The campaign's assignments were already imported from another file; they never change once measured.");
        }

        var now = time.GetUtcNow();
        var launchedAt = waves.Count > 0 ? waves.Min(w => w.StartsAt) : startedAt!.Value;
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { CampaignId = campaignId }, tx, cancellationToken: ct));
        // An external campaign's waves happened when they happened: kept as designed (or one wave from the start given).
        IReadOnlyList<CampaignWave> launchedWaves = waves.Count > 0 ? waves : [new CampaignWave { Number = 1, Share = 1, StartsAt = launchedAt }];
        await outbox.AddAsync(tx, LaunchEvents.Launched(campaignId, campaign.Design, null, launchedAt, launchedWaves, rows, 0), ct);
        await PublishAssignmentsAsync(tx, campaignId, rows, ct);
        await connection.ExecuteAsync(new CommandDefinition(LaunchedSql, new { CampaignId = campaignId, Count = rows, LaunchedAt = launchedAt, Waves = LaunchWaves.Serialize(launchedWaves), Now = now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return ExternalImportOutcome.Imported(new ExternalImportResult(rows, byCell, Replayed: false));
    }

    // Batches in customer order, a page at a time: a million rows never sit in memory at once.
    private async Task PublishAssignmentsAsync(NpgsqlTransaction tx, Guid campaignId, int count, CancellationToken ct)
    {
        var batchCount = (count + BatchSize - 1) / BatchSize;
        var after = Guid.Empty;
        var batch = 0;
        const int BatchesPerPage = 20;
        while (true)
        {
            var page = (await tx.Connection!.QueryAsync<AssignmentRecord>(new CommandDefinition(PageSql, new { After = after, Limit = BatchSize * BatchesPerPage }, tx, cancellationToken: ct))).ToList();
            if (page.Count == 0)
            {
                return;
            }

            var messages = page.Chunk(BatchSize).Select(chunk => new CustomersAssigned
            {
                CampaignId = campaignId, BatchNumber = ++batch, BatchCount = batchCount, Assignments = chunk,
            }).ToList();
            await outbox.AddRangeAsync(tx, messages, ct);
            after = page[^1].CustomerId;
        }
    }

}
