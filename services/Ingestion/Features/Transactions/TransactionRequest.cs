using Platform.Data;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Ingestion.Features.Transactions;

/// <summary>
/// One order or return, as <c>POST /v1/transactions</c> takes it (and as a CSV row is mapped to). Every property is
/// optional to the parser so validation can name each missing field.
/// </summary>
public sealed record TransactionRequest
{
    /// <summary>System the order comes from (e.g. "webshop"); stored lower case.</summary>
    public string? Source { get; init; }

    /// <summary>The order's id in that system; unique per source.</summary>
    public string? OrderId { get; init; }

    /// <summary>The customer's id (or give customerExternalId).</summary>
    public Guid? CustomerId { get; init; }

    /// <summary>The customer's id in customerSource (or give customerId).</summary>
    public string? CustomerExternalId { get; init; }

    /// <summary>Source system of customerExternalId; defaults to the transaction's source.</summary>
    public string? CustomerSource { get; init; }

    /// <summary>When the order was placed: ISO 8601 with offset or 'Z'; any era, at most a day ahead.</summary>
    public string? OccurredAt { get; init; }

    /// <summary>Amount before discount; negative means a return.</summary>
    public decimal? GrossAmount { get; init; }

    /// <summary>Discount given, ≥ 0, at most |grossAmount|; default 0.</summary>
    public decimal? DiscountAmount { get; init; }

    /// <summary>Cost of goods, ≥ 0; optional.</summary>
    public decimal? CostAmount { get; init; }

    /// <summary>ISO 4217 code, e.g. "EUR".</summary>
    public string? Currency { get; init; }

    /// <summary>Number of items, ≥ 1; default 1.</summary>
    public int? Quantity { get; init; }

    /// <summary>Sales channel, e.g. "web", "store".</summary>
    public string? Channel { get; init; }

    /// <summary>Product category.</summary>
    public string? Category { get; init; }

    /// <summary>Promotion code used.</summary>
    public string? PromotionCode { get; init; }

    /// <summary>Campaign the source attributes the order to.</summary>
    public string? CampaignCode { get; init; }

    /// <summary>True for a return; a negative grossAmount also means a return.</summary>
    public bool? IsReturn { get; init; }

    /// <summary>
    /// Checks every field into <paramref name="errors"/> (field names as in JSON) and returns the normalized
    /// transaction, or null when anything is wrong.
    /// </summary>
    public NormalizedTransaction? Validate(ValidationErrors errors, TransactionDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var source = Text.Required(errors, "source", Source, 64)?.ToLowerInvariant();
        var orderId = Text.Required(errors, "orderId", OrderId, 128);
        var customer = CustomerReference.Validate(errors, CustomerId, CustomerExternalId, CustomerSource, source);

        if (!IsoTimestamp.TryParse(OccurredAt, out var occurredAt))
        {
            errors.Add("occurredAt", string.IsNullOrWhiteSpace(OccurredAt) ? "is required" : IsoTimestamp.Expected);
        }
        else if (occurredAt > defaults.Now.AddDays(1))
        {
            errors.Add("occurredAt", "is more than a day in the future");
        }

        var gross = Money.Check(errors, "grossAmount", GrossAmount, required: true, allowNegative: true);
        var discount = Money.Check(errors, "discountAmount", DiscountAmount, required: false, allowNegative: false) ?? 0.00m;
        var cost = Money.Check(errors, "costAmount", CostAmount, required: false, allowNegative: false);
        if (gross is { } g && discount > Math.Abs(g))
        {
            errors.Add("discountAmount", "must not exceed grossAmount");
        }

        // A negative gross says "return" by itself; isReturn=false next to it is a contradiction worth reporting.
        if (gross < 0 && IsReturn == false)
        {
            errors.Add("isReturn", "is false but grossAmount is negative (a negative amount is a return)");
        }

        string? currency = null;
        if (string.IsNullOrWhiteSpace(Currency))
        {
            currency = defaults.Currency ?? Missing(errors, "currency");
        }
        else if ((currency = Currencies.Normalize(Currency)) is null)
        {
            errors.Add("currency", "must be an active ISO 4217 code such as EUR or USD");
        }

        var quantity = Quantity ?? 1;
        if (quantity < 1)
        {
            errors.Add("quantity", "must be at least 1");
        }

        var channel = Text.Optional(errors, "channel", Channel, 64)?.ToLowerInvariant();
        var category = Text.Optional(errors, "category", Category, 128);
        var promotionCode = Text.Optional(errors, "promotionCode", PromotionCode, 128);
        var campaignCode = Text.Optional(errors, "campaignCode", CampaignCode, 128);
        if (errors.Count != before || customer is null)
        {
            return null;
        }

        // Returns are stored with negative amounts whichever way they were sent, so sums over a customer's
        // transactions are net of returns without looking at is_return.
        var isReturn = IsReturn == true || gross < 0;
        var sign = isReturn ? -1m : 1m;
        return new NormalizedTransaction(
            DeterministicGuid.ForTransaction(source!, orderId!),
            source!,
            orderId!,
            customer.Value,
            occurredAt,
            sign * Math.Abs(gross!.Value),
            sign * discount,
            cost is { } c ? sign * c : null,
            currency!,
            quantity,
            channel,
            category,
            promotionCode,
            campaignCode,
            isReturn);
    }

    private static string? Missing(ValidationErrors errors, string field)
    {
        errors.Add(field, "is required");
        return null;
    }
}

/// <summary>What validation needs besides the request: the clock (for "not in the future") and an import's default currency.</summary>
public readonly record struct TransactionDefaults(DateTimeOffset Now, string? Currency = null);

/// <summary>A valid order or return: trimmed, source lower case, currency upper case, UTC, returns with negative amounts.</summary>
public sealed record NormalizedTransaction(
    Guid TransactionId,
    string Source,
    string OrderId,
    CustomerRef Customer,
    DateTimeOffset OccurredAt,
    decimal GrossAmount,
    decimal DiscountAmount,
    decimal? CostAmount,
    string Currency,
    int Quantity,
    string? Channel,
    string? Category,
    string? PromotionCode,
    string? CampaignCode,
    bool IsReturn);
