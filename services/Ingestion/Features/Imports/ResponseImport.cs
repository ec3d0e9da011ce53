using Ingestion.Features.Responses;
using Ingestion.Features.Transactions;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;

namespace Ingestion.Features.Imports;

/// <summary>
/// A responses file: one <see cref="ResponseRequest"/> per row. Required columns: source, campaign_code, channel, type,
/// occurred_at, and customer_id or customer_external_id.
/// </summary>
public sealed class ResponseImport(ResponseWriter writer) : ImportKind<NormalizedResponse>
{
    private const int Source = 0, ResponseId = 1, CampaignCode = 2, CustomerId = 3, CustomerExternalId = 4, CustomerSource = 5,
        Channel = 6, Type = 7, OccurredAt = 8, Value = 9;

    public static readonly IReadOnlyList<string> AllColumns =
    [
        "source", "response_id", "campaign_code", "customer_id", "customer_external_id", "customer_source", "channel", "type", "occurred_at", "value",
    ];

    private static readonly string[] RequiredColumns = ["source", "campaign_code", "channel", "type", "occurred_at"];

    public override string Name => "responses";

    public override IReadOnlyList<string> Columns => AllColumns;

    public override IEnumerable<string> MissingColumns(IReadOnlySet<string> present, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(present);
        foreach (var required in RequiredColumns.Where(c => !present.Contains(c)))
        {
            yield return required;
        }

        if (!present.Contains("customer_id") && !present.Contains("customer_external_id"))
        {
            yield return "customer_id or customer_external_id";
        }
    }

    public override NormalizedResponse? Map(CsvRecord record, ValidationErrors errors, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(context);
        var request = new ResponseRequest
        {
            Source = record.Text(Source),
            ResponseId = record.Text(ResponseId),
            CampaignCode = record.Text(CampaignCode),
            CustomerId = record.Uuid(CustomerId),
            CustomerExternalId = record.Text(CustomerExternalId),
            CustomerSource = record.Text(CustomerSource),
            Channel = record.Text(Channel),
            Type = record.Text(Type),
            OccurredAt = record.Text(OccurredAt),
            Value = record.Number(Value),
        };
        return request.Validate(errors, context.Now);
    }

    public override Task<WriteResult> WriteAsync(NpgsqlTransaction tx, List<NormalizedResponse> rows, ImportSettings settings, KnownCustomerSet knownCustomers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return writer.WriteAsync(tx, rows, settings.CreateCustomers, knownCustomers, ct);
    }

    public override (string Field, string Message) Refusal(RowOutcome outcome, NormalizedResponse row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return outcome == RowOutcome.UnknownReference
            ? (row.Customer.Field, CustomerReference.UnknownCustomer)
            : ("responseId", ResponsesApi.ConflictMessage(row));
    }
}
