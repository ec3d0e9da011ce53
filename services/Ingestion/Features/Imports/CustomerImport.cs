using Ingestion.Features.Customers;
using Ingestion.Features.Transactions;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;

namespace Ingestion.Features.Imports;

/// <summary>
/// A customers file: one <see cref="CustomerRequest"/> per row, written by <see cref="CustomerWriter"/> (a row that
/// changes nothing is a duplicate and publishes nothing). Required columns: source, external_id. Consents are columns
/// consent_email, consent_sms, consent_mail, consent_phone (true/false, blank = not said) with one optional consent_at.
/// Free attributes are columns <c>attr.KEY</c> (text), <c>attr.KEY:number</c> or <c>attr.KEY:boolean</c>; a row's
/// attributes replace the stored set, as in the JSON API (blank cells are left out).
/// </summary>
public sealed class CustomerImport(CustomerWriter writer, TimeProvider time) : ImportKind<NormalizedCustomer>
{
    private const int Source = 0, ExternalId = 1, Lifecycle = 2, FirstName = 3, LastName = 4, Email = 5, Phone = 6, AddressLine = 7,
        PostalCode = 8, City = 9, Region = 10, Country = 11, Gender = 12, BirthDate = 13, JoinDate = 14, AcquisitionChannel = 15,
        AcquisitionCampaign = 16, ConsentEmail = 17, ConsentSms = 18, ConsentMail = 19, ConsentPhone = 20, ConsentAt = 21;

    public static readonly IReadOnlyList<string> AllColumns =
    [
        "source", "external_id", "lifecycle", "first_name", "last_name", "email", "phone", "address_line", "postal_code", "city",
        "region", "country", "gender", "birth_date", "join_date", "acquisition_channel", "acquisition_campaign",
        "consent_email", "consent_sms", "consent_mail", "consent_phone", "consent_at",
    ];

    private static readonly (int Column, string Channel)[] ConsentColumns =
        [(ConsentEmail, ConsentChannels.Email), (ConsentSms, ConsentChannels.Sms), (ConsentMail, ConsentChannels.Mail), (ConsentPhone, ConsentChannels.Phone)];

    private static readonly string[] RequiredColumns = ["source", "external_id"];

    public override string Name => "customers";

    public override bool TakesAttributes => true;

    public override IReadOnlyList<string> Columns => AllColumns;

    public override IEnumerable<string> MissingColumns(IReadOnlySet<string> present, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(present);
        return RequiredColumns.Where(c => !present.Contains(c));
    }

    /// <summary>Consent errors are reported under the JSON path (consents.email.at); the file has consent_email and consent_at.</summary>
    public override string ColumnOf(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.StartsWith("attributes.", StringComparison.Ordinal))
        {
            return AttributeColumn.Prefix + field["attributes.".Length..];
        }

        if (field.StartsWith("consents.", StringComparison.Ordinal))
        {
            return field.EndsWith(".at", StringComparison.Ordinal) ? "consent_at" : "consent_" + field.Split('.')[1];
        }

        return base.ColumnOf(field);
    }

    public override NormalizedCustomer? Map(CsvRecord record, ValidationErrors errors, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        Dictionary<string, ConsentRequest?>? consents = null;
        var consentAt = record.Text(ConsentAt);
        foreach (var (column, channel) in ConsentColumns)
        {
            if (record.Flag(column) is { } granted)
            {
                (consents ??= [])[channel] = new ConsentRequest(granted, consentAt);
            }
        }

        var request = new CustomerRequest
        {
            Source = record.Text(Source),
            ExternalId = record.Text(ExternalId),
            Lifecycle = record.Text(Lifecycle),
            FirstName = record.Text(FirstName),
            LastName = record.Text(LastName),
            Email = record.Text(Email),
            Phone = record.Text(Phone),
            AddressLine = record.Text(AddressLine),
            PostalCode = record.Text(PostalCode),
            City = record.Text(City),
            Region = record.Text(Region),
            Country = record.Text(Country),
            Gender = record.Text(Gender),
            BirthDate = record.Text(BirthDate),
            JoinDate = record.Text(JoinDate),
            AcquisitionChannel = record.Text(AcquisitionChannel),
            AcquisitionCampaign = record.Text(AcquisitionCampaign),
            Consents = consents,
            Attributes = record.Attributes(),
        };
        return request.Validate(errors, time);
    }

    public override async Task<WriteResult> WriteAsync(NpgsqlTransaction tx, List<NormalizedCustomer> rows, ImportSettings settings, KnownCustomerSet knownCustomers, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var results = await writer.UpsertAsync(tx, rows, ct);
        // Created or changed customers are published (new to downstream services); unchanged ones are replays.
        var outcomes = results.Select(r => r.Status == CustomerUpsertStatus.Unchanged ? RowOutcome.Duplicate : RowOutcome.New).ToArray();
        return new WriteResult(outcomes, now);
    }

    public override (string Field, string Message) Refusal(RowOutcome outcome, NormalizedCustomer row) =>
        throw new InvalidOperationException("The customer writer refuses no valid row.");
}
