using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Ingestion.Features.Customers;

/// <summary>
/// The one way customers are written (single and batch API, customer imports, customers created from transactions):
/// set-based SQL in the caller's transaction, identity linking by email, consents, and <see cref="CustomersUpserted"/>
/// and <see cref="ContactDetailsChanged"/> events in the outbox for every customer that was created or changed, in
/// batches of at most <see cref="MaxRecordsPerEvent"/>.
/// </summary>
public sealed class CustomerWriter(ConsentWriter consents, Outbox outbox, TimeProvider time)
{
    /// <summary>Most customer records in one <see cref="CustomersUpserted"/> (and one <see cref="ContactDetailsChanged"/>).</summary>
    public const int MaxRecordsPerEvent = 1_000;

    // ON COMMIT DROP: the stage lives only as long as the caller's transaction; TRUNCATE lets one transaction write
    // several chunks (an import).
    private const string CreateStageSql = """
        CREATE TEMP TABLE IF NOT EXISTS customer_stage (
            customer_id uuid, source text, external_id text, lifecycle text, first_name text, last_name text, email text,
            phone text, address_line text, postal_code text, city text, region text, country text, gender text,
            birth_date date, join_date date, acquisition_channel text, acquisition_campaign text, attributes jsonb
        ) ON COMMIT DROP;
        TRUNCATE customer_stage;
        """;

    private const string CopyStageSql = """
        COPY customer_stage (customer_id, source, external_id, lifecycle, first_name, last_name, email, phone, address_line,
            postal_code, city, region, country, gender, birth_date, join_date, acquisition_channel, acquisition_campaign, attributes)
        FROM STDIN (FORMAT BINARY)
        """;

    // A new record starts as its own person (LinkPersonsSql may then join it to another); person_id is never
    // changed by an update. Rows are taken in id order so that concurrent batches lock rows in the same order.
    // A new row takes its version from the column default; an update takes the next one once it holds the row, so
    // a batch that started before a single update but reaches the row after it still writes the higher version.
    private const string UpsertSql = """
        INSERT INTO customers AS c (customer_id, person_id, source, external_id, lifecycle, first_name, last_name, email, phone,
            address_line, postal_code, city, region, country, gender, birth_date, join_date, acquisition_channel,
            acquisition_campaign, attributes, created_at, updated_at)
        SELECT customer_id, customer_id, source, external_id, lifecycle, first_name, last_name, email, phone,
            address_line, postal_code, city, region, country, gender, birth_date, join_date, acquisition_channel,
            acquisition_campaign, attributes, @Now, @Now
        FROM customer_stage
        ORDER BY customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            lifecycle = excluded.lifecycle, first_name = excluded.first_name, last_name = excluded.last_name,
            email = excluded.email, phone = excluded.phone, address_line = excluded.address_line,
            postal_code = excluded.postal_code, city = excluded.city, region = excluded.region, country = excluded.country,
            gender = excluded.gender, birth_date = excluded.birth_date, join_date = excluded.join_date,
            acquisition_channel = excluded.acquisition_channel, acquisition_campaign = excluded.acquisition_campaign,
            attributes = excluded.attributes, updated_at = excluded.updated_at,
            version = nextval('customer_versions') -- evaluated once the row is locked: above every committed version
        WHERE (c.lifecycle, c.first_name, c.last_name, c.email, c.phone, c.address_line, c.postal_code, c.city, c.region,
               c.country, c.gender, c.birth_date, c.join_date, c.acquisition_channel, c.acquisition_campaign, c.attributes)
              IS DISTINCT FROM
              (excluded.lifecycle, excluded.first_name, excluded.last_name, excluded.email, excluded.phone, excluded.address_line,
               excluded.postal_code, excluded.city, excluded.region, excluded.country, excluded.gender, excluded.birth_date,
               excluded.join_date, excluded.acquisition_channel, excluded.acquisition_campaign, excluded.attributes)
        RETURNING customer_id AS CustomerId, (xmax = 0) AS Inserted
        """;

    // A new record whose email another record already has joins the person of the earliest-created record with that
    // email (ties, e.g. two new records of one batch, go to the lowest customer id). Runs under EmailLocks, so a
    // concurrent writer of the same email has either committed (and is seen here) or waits for this transaction.
    private const string LinkPersonsSql = """
        UPDATE customers AS c SET person_id = first.person_id, version = nextval('customer_versions')
        FROM (
            SELECT DISTINCT ON (email) email, person_id
            FROM customers
            WHERE email IN (SELECT email FROM customers WHERE customer_id = ANY(@CreatedIds) AND email IS NOT NULL)
            ORDER BY email, created_at, customer_id
        ) AS first
        WHERE c.customer_id = ANY(@CreatedIds) AND c.email = first.email AND c.person_id <> first.person_id
        """;

    private const string CreateMissingSql = """
        INSERT INTO customers (customer_id, person_id, source, external_id, lifecycle, created_at, updated_at)
        SELECT id, id, source, external_id, 'customer', @Now, @Now
        FROM unnest(@CustomerIds, @Sources, @ExternalIds) AS k(id, source, external_id)
        ORDER BY id
        ON CONFLICT (customer_id) DO NOTHING
        RETURNING customer_id
        """;

    private const string LoadRecordsSql = """
        SELECT c.customer_id AS CustomerId, c.person_id AS PersonId, c.source, c.external_id AS ExternalId, c.lifecycle, c.gender,
               extract(year FROM c.birth_date)::int AS BirthYear, c.join_date AS JoinDate, c.country, c.region,
               c.acquisition_channel AS AcquisitionChannel, c.acquisition_campaign AS AcquisitionCampaign, c.updated_at AS UpdatedAt,
               c.version, c.first_name AS FirstName, c.last_name AS LastName, c.email, c.phone, c.address_line AS AddressLine,
               c.postal_code AS PostalCode, c.city,
               bool_or(k.granted) FILTER (WHERE k.channel = 'email') AS ConsentEmail,
               bool_or(k.granted) FILTER (WHERE k.channel = 'sms') AS ConsentSms,
               bool_or(k.granted) FILTER (WHERE k.channel = 'mail') AS ConsentMail,
               bool_or(k.granted) FILTER (WHERE k.channel = 'phone') AS ConsentPhone
        FROM customers AS c
        LEFT JOIN consents AS k ON k.customer_id = c.customer_id
        WHERE c.customer_id = ANY(@CustomerIds)
        GROUP BY c.customer_id
        ORDER BY c.customer_id
        """;

    /// <summary>
    /// Creates or updates <paramref name="customers"/> (validated by <see cref="CustomerRequest.Validate"/>) in
    /// <paramref name="tx"/>: every field is replaced by the given one (absent = null), attributes as a whole; consents
    /// are merged per channel (see <see cref="ConsentWriter"/>); a new record is linked by email to an existing person.
    /// The same customer twice in the list: the last one wins, and every occurrence reports its outcome.
    /// Publishes one <see cref="CustomerRecord"/> per created or changed customer. Results are in input order.
    /// </summary>
    public async Task<IReadOnlyList<CustomerUpsertResult>> UpsertAsync(NpgsqlTransaction tx, IReadOnlyList<NormalizedCustomer> customers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(customers);
        if (customers.Count == 0)
        {
            return [];
        }

        var latest = new Dictionary<Guid, NormalizedCustomer>();
        foreach (var customer in customers)
        {
            latest[customer.CustomerId] = customer;
        }

        var connection = tx.Connection!;
        await EmailLocks.LockAsync(tx, latest.Values.Select(c => c.Email), ct);
        await StageAsync(tx, latest.Values, ct);
        var written = (await connection.QueryAsync<WrittenRow>(new CommandDefinition(UpsertSql, new { Now = time.GetUtcNow() }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.CustomerId, r => r.Inserted ? CustomerUpsertStatus.Created : CustomerUpsertStatus.Updated);
        var created = written.Where(w => w.Value == CustomerUpsertStatus.Created).Select(w => w.Key).ToArray();
        if (created.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(LinkPersonsSql, new { CreatedIds = created }, tx, cancellationToken: ct));
        }

        var consentOnly = (await ConsentWriter.ApplyAsync(tx, latest.Values, ct)).Where(id => !written.ContainsKey(id)).ToList();
        await consents.TouchAsync(tx, consentOnly, ct);
        foreach (var id in consentOnly)
        {
            written[id] = CustomerUpsertStatus.Updated;
        }

        await PublishAsync(tx, written.Keys.ToList(), ct);
        return customers
            .Select((c, i) => new CustomerUpsertResult(i, c.CustomerId, written.GetValueOrDefault(c.CustomerId, CustomerUpsertStatus.Unchanged)))
            .ToList();
    }

    /// <summary>
    /// Makes sure customers exist without touching existing ones (for transactions or responses that name a customer
    /// not seen before): each missing key becomes a customer with only its key (lifecycle <c>customer</c>, its own
    /// person). Publishes the created ones. Results are in input order: created or unchanged.
    /// </summary>
    public async Task<IReadOnlyList<CustomerUpsertResult>> CreateMissingAsync(NpgsqlTransaction tx, IReadOnlyList<CustomerKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.DistinctBy(k => k.CustomerId).ToList();
        if (distinct.Count == 0)
        {
            return [];
        }

        var created = (await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(CreateMissingSql, new
        {
            CustomerIds = distinct.Select(k => k.CustomerId).ToArray(),
            Sources = distinct.Select(k => k.Source.Trim().ToLowerInvariant()).ToArray(),
            ExternalIds = distinct.Select(k => k.ExternalId.Trim()).ToArray(),
            Now = time.GetUtcNow(),
        }, tx, cancellationToken: ct))).ToHashSet();
        await PublishAsync(tx, created, ct);
        return keys
            .Select((k, i) => new CustomerUpsertResult(i, k.CustomerId, created.Contains(k.CustomerId) ? CustomerUpsertStatus.Created : CustomerUpsertStatus.Unchanged))
            .ToList();
    }

    /// <summary>
    /// Writes <see cref="CustomersUpserted"/> events (at most <see cref="MaxRecordsPerEvent"/> records each) with the
    /// current state of <paramref name="customerIds"/> into the outbox, in <paramref name="tx"/>, and with each the
    /// <see cref="ContactDetailsChanged"/> of the same customers at the same versions (read by the same query, so the
    /// two can never disagree). Call after changing customers outside <see cref="UpsertAsync"/>, e.g. those
    /// <see cref="ConsentWriter.WithdrawAsync"/> returned.
    /// </summary>
    public async Task PublishAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> customerIds, CancellationToken ct)
    {
        var rows = await LoadRowsAsync(tx, customerIds, ct);
        var events = new List<object>();
        foreach (var chunk in rows.Chunk(MaxRecordsPerEvent))
        {
            events.Add(new CustomersUpserted { Customers = chunk.Select(r => r.ToRecord()).ToList() });
            events.Add(new ContactDetailsChanged { Customers = chunk.Select(r => r.ToContactDetails()).ToList() });
        }

        await outbox.AddRangeAsync(tx, events, ct);
    }

    /// <summary>The customers as events carry them (no names, contact details or exact birth date); unknown ids are left out.</summary>
    public async Task<IReadOnlyList<CustomerRecord>> LoadRecordsAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> customerIds, CancellationToken ct) =>
        (await LoadRowsAsync(tx, customerIds, ct)).Select(r => r.ToRecord()).ToList();

    private static async Task<IReadOnlyList<RecordRow>> LoadRowsAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> customerIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(customerIds);
        if (customerIds.Count == 0)
        {
            return [];
        }

        return (await tx.Connection!.QueryAsync<RecordRow>(new CommandDefinition(LoadRecordsSql, new { CustomerIds = customerIds.ToArray() }, tx, cancellationToken: ct))).AsList();
    }

    private static async Task StageAsync(NpgsqlTransaction tx, IEnumerable<NormalizedCustomer> customers, CancellationToken ct)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync(new CommandDefinition(CreateStageSql, transaction: tx, cancellationToken: ct));
        await using var copy = await connection.BeginBinaryImportAsync(CopyStageSql, ct);
        foreach (var c in customers)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(c.CustomerId, NpgsqlDbType.Uuid, ct);
            foreach (var text in new[] { c.Source, c.ExternalId, c.Lifecycle, c.FirstName, c.LastName, c.Email, c.Phone, c.AddressLine, c.PostalCode, c.City, c.Region, c.Country, c.Gender })
            {
                await WriteNullableAsync(copy, text, NpgsqlDbType.Text, ct);
            }

            await WriteDateAsync(copy, c.BirthDate, ct);
            await WriteDateAsync(copy, c.JoinDate, ct);
            await WriteNullableAsync(copy, c.AcquisitionChannel, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(copy, c.AcquisitionCampaign, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.AttributesJson, NpgsqlDbType.Jsonb, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(ct);
        }
        else
        {
            await copy.WriteAsync(value, type, ct);
        }
    }

    private static async Task WriteDateAsync(NpgsqlBinaryImporter copy, DateOnly? value, CancellationToken ct)
    {
        if (value is { } date)
        {
            await copy.WriteAsync(date, NpgsqlDbType.Date, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }

    private sealed record WrittenRow(Guid CustomerId, bool Inserted);

    private sealed record RecordRow(
        Guid CustomerId, Guid PersonId, string Source, string ExternalId, string Lifecycle, string? Gender, int? BirthYear,
        DateOnly? JoinDate, string? Country, string? Region, string? AcquisitionChannel, string? AcquisitionCampaign, DateTimeOffset UpdatedAt,
        long Version, string? FirstName, string? LastName, string? Email, string? Phone, string? AddressLine, string? PostalCode,
        string? City, bool? ConsentEmail, bool? ConsentSms, bool? ConsentMail, bool? ConsentPhone)
    {
        private ChannelConsents Consents => new() { Email = ConsentEmail, Sms = ConsentSms, Mail = ConsentMail, Phone = ConsentPhone };

        public CustomerRecord ToRecord() => new()
        {
            CustomerId = CustomerId,
            PersonId = PersonId,
            Source = Source,
            ExternalId = ExternalId,
            Lifecycle = Lifecycle,
            Gender = Gender,
            BirthYear = BirthYear,
            JoinDate = JoinDate,
            Country = Country,
            Region = Region,
            AcquisitionChannel = AcquisitionChannel,
            AcquisitionCampaign = AcquisitionCampaign,
            Consents = Consents,
            UpdatedAt = UpdatedAt,
            Version = Version,
        };

        public ContactDetails ToContactDetails() => new()
        {
            CustomerId = CustomerId,
            Version = Version,
            FirstName = FirstName,
            LastName = LastName,
            Email = Email,
            Phone = Phone,
            AddressLine = AddressLine,
            PostalCode = PostalCode,
            City = City,
            Region = Region,
            Country = Country,
            Consents = Consents,
        };
    }
}
