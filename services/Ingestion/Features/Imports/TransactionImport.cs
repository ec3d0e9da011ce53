using Ingestion.Features.Transactions;
using Npgsql;
using Platform.Data.Staging;
using Platform.ServiceDefaults;

namespace Ingestion.Features.Imports;

/// <summary>
/// A transactions file: one <see cref="TransactionRequest"/> per row. Required columns: source, order_id, occurred_at,
/// gross_amount, customer_id or customer_external_id, and currency unless the import names one (<c>currency=USD</c>).
/// </summary>
public sealed class TransactionImport(TransactionWriter writer) : ImportKind<NormalizedTransaction>
{
    private const int Source = 0, OrderId = 1, CustomerId = 2, CustomerExternalId = 3, CustomerSource = 4, OccurredAt = 5, GrossAmount = 6,
        DiscountAmount = 7, CostAmount = 8, Currency = 9, Quantity = 10, Channel = 11, Category = 12, PromotionCode = 13, CampaignCode = 14, IsReturn = 15;

    public static readonly IReadOnlyList<string> AllColumns =
    [
        "source", "order_id", "customer_id", "customer_external_id", "customer_source", "occurred_at", "gross_amount",
        "discount_amount", "cost_amount", "currency", "quantity", "channel", "category", "promotion_code", "campaign_code", "is_return",
    ];

    private static readonly string[] RequiredColumns = ["source", "order_id", "occurred_at", "gross_amount"];

    public override string Name => "transactions";

    public override IReadOnlyList<string> Columns => AllColumns;

    public override IEnumerable<string> MissingColumns(IReadOnlySet<string> present, ImportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var required in RequiredColumns.Where(c => !present.Contains(c)))
        {
            yield return required;
        }

        if (!present.Contains("customer_id") && !present.Contains("customer_external_id"))
        {
            yield return "customer_id or customer_external_id";
        }

        if (!present.Contains("currency") && settings.Currency is null)
        {
            yield return "currency (or give the import a currency: &currency=USD)";
        }
    }

    public override NormalizedTransaction? Map(CsvRecord record, ValidationErrors errors, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(context);
        var request = new TransactionRequest
        {
            Source = record.Text(Source),
            OrderId = record.Text(OrderId),
            CustomerId = record.Uuid(CustomerId),
            CustomerExternalId = record.Text(CustomerExternalId),
            CustomerSource = record.Text(CustomerSource),
            OccurredAt = record.Text(OccurredAt),
            GrossAmount = record.Number(GrossAmount),
            DiscountAmount = record.Number(DiscountAmount),
            CostAmount = record.Number(CostAmount),
            Currency = record.Text(Currency),
            Quantity = record.WholeNumber(Quantity),
            Channel = record.Text(Channel),
            Category = record.Text(Category),
            PromotionCode = record.Text(PromotionCode),
            CampaignCode = record.Text(CampaignCode),
            IsReturn = record.Flag(IsReturn),
        };
        return request.Validate(errors, new TransactionDefaults(context.Now, context.Settings.Currency));
    }

    public override Task<WriteResult> WriteAsync(NpgsqlTransaction tx, List<NormalizedTransaction> rows, ImportSettings settings, KnownCustomerSet knownCustomers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return writer.WriteAsync(tx, rows, settings.CreateCustomers, knownCustomers, ct);
    }

    public override (string Field, string Message) Refusal(RowOutcome outcome, NormalizedTransaction row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return outcome == RowOutcome.UnknownReference
            ? (row.Customer.Field, CustomerReference.UnknownCustomer)
            : ("orderId", TransactionsApi.ConflictMessage(row));
    }
}
