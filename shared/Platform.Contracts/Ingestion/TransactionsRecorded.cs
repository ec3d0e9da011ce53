namespace Platform.Contracts.Ingestion;

/// <summary>New orders or returns were recorded (batches of up to 1,000); a replayed order is never published twice.</summary>
public sealed record TransactionsRecorded
{
    /// <summary>The new transactions.</summary>
    public required IReadOnlyList<TransactionRecord> Transactions { get; init; }
}

/// <summary>One order line or return. Amounts are in <see cref="Currency"/>; returns carry negative amounts.</summary>
public sealed record TransactionRecord
{
    /// <summary>Stable id derived from (source, order id).</summary>
    public required Guid TransactionId { get; init; }

    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>The system the order came from.</summary>
    public required string Source { get; init; }

    /// <summary>The order's id in that system.</summary>
    public required string OrderId { get; init; }

    /// <summary>When the order was placed (any era).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Amount charged before discount (negative for a return).</summary>
    public required decimal GrossAmount { get; init; }

    /// <summary>Discount given (zero or positive; negative for a return).</summary>
    public required decimal DiscountAmount { get; init; }

    /// <summary>Cost of goods or service, for margin; null when unknown.</summary>
    public decimal? CostAmount { get; init; }

    /// <summary>ISO 4217 currency code.</summary>
    public required string Currency { get; init; }

    /// <summary>Number of items.</summary>
    public required int Quantity { get; init; }

    /// <summary>Sales channel (e.g. "web", "store", "phone").</summary>
    public string? Channel { get; init; }

    /// <summary>Product category.</summary>
    public string? Category { get; init; }

    /// <summary>Promotion code used, if any.</summary>
    public string? PromotionCode { get; init; }

    /// <summary>Campaign the order is attributed to by the source system, if any.</summary>
    public string? CampaignCode { get; init; }

    /// <summary>True for a return or refund.</summary>
    public required bool IsReturn { get; init; }
}
