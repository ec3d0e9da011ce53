using Campaigns.Features.Channels;
using Campaigns.Features.Dispatch;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Campaigns;
using Platform.Data;
using Platform.Data.Staging;
using Platform.ServiceDefaults;

namespace Campaigns.Features.External;

/// <summary>
/// Imports the contacts an agency or mail house made for an external campaign: one row per contact (customer,
/// channel, when, cost; optionally the plan step and offer). All or nothing like <see cref="AssignmentImport"/>; the
/// customer must be assigned in the campaign (its cell and wave come from there). Contacts are recorded in the same
/// ledger as the platform's own and published in <see cref="ContactsDispatched"/> batches. A contact is identified by
/// (campaign, customer, step): the same file again records nothing new, the same contact with other values is an error.
/// Contacts to control members are recorded as they happened (Measurement flags them) and counted in the answer.
/// </summary>
public sealed class ContactImport(NpgsqlDataSource dataSource, Outbox outbox, TimeProvider time)
{
    /// <summary>Contacts per <see cref="ContactsDispatched"/> message.</summary>
    public const int BatchSize = 1_000;

    internal static readonly string[] Required = ["channel", "at", "cost"];
    internal static readonly string[] Optional = ["step", "offer_code"];

    private const string StageSql = """
        CREATE TEMP TABLE external_contacts (
            row_number integer NOT NULL, contact_id uuid NOT NULL, customer_id uuid NOT NULL, step integer NOT NULL, channel text NOT NULL,
            at timestamptz NOT NULL, cost numeric NOT NULL, offer_code text
        ) ON COMMIT DROP
        """;

    private const string CopySql = """
        COPY external_contacts (row_number, contact_id, customer_id, step, channel, at, cost, offer_code) FROM STDIN (FORMAT BINARY)
        """;

    private const string DuplicatesSql = """
        SELECT row_number AS Row, first_row AS FirstRow FROM (
            SELECT row_number, first_value(row_number) OVER (PARTITION BY contact_id ORDER BY row_number) AS first_row FROM external_contacts) d
        WHERE row_number <> first_row ORDER BY row_number LIMIT @Limit
        """;

    private const string UnassignedSql = """
        SELECT s.row_number FROM external_contacts s
        WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.campaign_id = @CampaignId AND a.customer_id = s.customer_id)
        ORDER BY s.row_number LIMIT @Limit
        """;

    private const string ChangedSql = """
        SELECT s.row_number FROM external_contacts s JOIN contacts c ON c.contact_id = s.contact_id
        WHERE (c.channel, c.at, c.cost, c.offer_code) IS DISTINCT FROM (s.channel, s.at, s.cost, s.offer_code)
        ORDER BY s.row_number LIMIT @Limit
        """;

    // New contacts only (a replayed row is already in the ledger); RETURNING feeds the events.
    private const string InsertSql = """
        CREATE TEMP TABLE new_external_contacts ON COMMIT DROP AS
        WITH inserted AS (
            INSERT INTO contacts (contact_id, campaign_id, customer_id, cell, wave, step, channel, offer_code, cost, at, status)
            SELECT s.contact_id, @CampaignId, s.customer_id, a.cell, a.wave, s.step, s.channel, s.offer_code, s.cost, s.at, 'dispatched'
            FROM external_contacts s JOIN assignments a ON a.campaign_id = @CampaignId AND a.customer_id = s.customer_id
            ON CONFLICT (contact_id) DO NOTHING
            RETURNING contact_id, customer_id, cell, wave, step, channel, offer_code, cost, at)
        SELECT * FROM inserted
        """;

    private const string SummarySql = """
        SELECT count(*)::int AS Total,
               count(*) FILTER (WHERE a.cell IN ('control', 'global_control'))::int AS ToControl
        FROM external_contacts s JOIN assignments a ON a.campaign_id = @CampaignId AND a.customer_id = s.customer_id
        """;

    private const string PageSql = """
        SELECT contact_id AS ContactId, customer_id AS CustomerId, cell AS Cell, wave AS Wave, step AS Step, channel AS Channel,
               offer_code AS OfferCode, cost AS Cost, at AS At, 'dispatched' AS Status
        FROM new_external_contacts WHERE contact_id > @After ORDER BY contact_id LIMIT @Limit
        """;

    /// <summary>Imports <paramref name="csv"/> as contacts of <paramref name="campaignId"/>.</summary>
    public async Task<ExternalImportOutcome> ImportAsync(Guid campaignId, TextReader csv, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var errors = new ValidationErrors();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (campaign, refusal) = await ExternalCampaign.LockForImportAsync(tx, campaignId, "contacts", ct);
        if (campaign is null)
        {
            return refusal!;
        }

        if (campaign.LaunchState != "assigned")
        {
            return ExternalImportOutcome.Conflict("Import the campaign's assignments first: a contact belongs to an assigned member.");
        }

        await connection.ExecuteAsync(new CommandDefinition(StageSql, transaction: tx, cancellationToken: ct));
        await using var file = await ExternalCsv.OpenAsync(csv, Required, Optional, errors, ct);
        if (file is null)
        {
            return ExternalImportOutcome.Invalid(errors, 0);
        }

        var offers = campaign.Design.Offers.Select(o => o.Code).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        await using (var copy = await connection.BeginBinaryImportAsync(CopySql, ct))
        {
            while (await file.ReadAsync(ct))
            {
                var before = file.ErrorCount;
                var customer = file.Customer();
                var channel = file.Text("channel")?.ToLowerInvariant();
                if (channel is null || !ChannelNames.IsKnown(channel))
                {
                    file.AddError("channel", $"must be one of {string.Join(", ", ChannelNames.All)}");
                }

                var at = file.Time("at");
                if (at is null && file.ErrorCount == before)
                {
                    file.AddError("at", "is required");
                }
                else if (at > now)
                {
                    file.AddError("at", "lies in the future: record contacts once they are made");
                }

                var cost = file.Decimal("cost", allowNegative: false);
                if (cost is null && file.ErrorCount == before)
                {
                    file.AddError("cost", "is required (0 when the contact cost nothing)");
                }

                var step = file.Integer("step", 1, 1, 100);
                var offer = file.Text("offer_code");
                if (offer is not null && !offers.Contains(offer))
                {
                    file.AddError("offer_code", offers.Count == 0 ? "the design has no offers" : $"must be one of the design's offers: {string.Join(", ", offers)}");
                }

                if (file.ErrorCount > before)
                {
                    continue;
                }

                await copy.StartRowAsync(ct);
                await copy.WriteAsync(file.Row, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(ContactIds.For(campaignId, customer!.Value, step!.Value), NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(customer.Value, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(step.Value, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(channel!, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(at!.Value.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(cost!.Value, NpgsqlDbType.Numeric, ct);
                await copy.WriteOptionalAsync(offer, ct);
            }

            await copy.CompleteAsync(ct);
        }

        if (file.Row == 0)
        {
            errors.Add("file", "has no rows");
        }

        var limit = new { CampaignId = campaignId, Limit = ExternalCsv.MaxListedErrors };
        var errorCount = file.ErrorCount;
        foreach (var d in await connection.QueryAsync<(int Row, int FirstRow)>(new CommandDefinition(DuplicatesSql, limit, tx, cancellationToken: ct)))
        {
            errorCount++;
            errors.Add($"rows[{d.Row}].step", $"the customer's contact in this step is already in row {d.FirstRow} (one contact per customer and step)");
        }

        foreach (var row in await connection.QueryAsync<int>(new CommandDefinition(UnassignedSql, limit, tx, cancellationToken: ct)))
        {
            errorCount++;
            errors.Add($"rows[{row}].customer", "is not assigned in this campaign");
        }

        foreach (var row in await connection.QueryAsync<int>(new CommandDefinition(ChangedSql, limit, tx, cancellationToken: ct)))
        {
            errorCount++;
            errors.Add($"rows[{row}].step", "this contact is already recorded with another channel, time, cost or offer");
        }

        if (errors.HasErrors)
        {
            return ExternalImportOutcome.Invalid(errors, errorCount);
        }

        var summary = await connection.QuerySingleAsync<(int Total, int ToControl)>(new CommandDefinition(SummarySql, new { CampaignId = campaignId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { CampaignId = campaignId }, tx, cancellationToken: ct));
        var added = await PublishAsync(tx, campaignId, ct);
        await tx.CommitAsync(ct);
        return ExternalImportOutcome.Imported(new ExternalImportResult(summary.Total, new Dictionary<string, int>(StringComparer.Ordinal), Replayed: added == 0)
        {
            ContactsToControl = summary.ToControl,
        });
    }

    private async Task<int> PublishAsync(NpgsqlTransaction tx, Guid campaignId, CancellationToken ct)
    {
        var after = Guid.Empty;
        var total = 0;
        while (true)
        {
            var page = (await tx.Connection!.QueryAsync<ContactRecord>(new CommandDefinition(PageSql, new { After = after, Limit = BatchSize * 20 }, tx, cancellationToken: ct))).ToList();
            if (page.Count == 0)
            {
                return total;
            }

            await outbox.AddRangeAsync(tx, page.Chunk(BatchSize).Select(chunk => new ContactsDispatched { CampaignId = campaignId, Contacts = chunk }).ToList(), ct);
            total += page.Count;
            after = page[^1].ContactId;
        }
    }
}
