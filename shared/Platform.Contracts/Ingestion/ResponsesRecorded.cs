namespace Platform.Contracts.Ingestion;

/// <summary>What customers did with campaigns, as reported by channels (batches of up to 1,000).</summary>
public sealed record ResponsesRecorded
{
    /// <summary>The new responses.</summary>
    public required IReadOnlyList<ResponseRecord> Responses { get; init; }
}

/// <summary>One response of a customer to a campaign contact.</summary>
public sealed record ResponseRecord
{
    /// <summary>Stable id (from the channel's own response id, or from its content).</summary>
    public required Guid ResponseId { get; init; }

    /// <summary>Code of the campaign responded to.</summary>
    public required string CampaignCode { get; init; }

    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary><c>email</c>, <c>sms</c>, <c>mail</c>, <c>phone</c> or <c>web</c>.</summary>
    public required string Channel { get; init; }

    /// <summary>delivered, undeliverable, opened, clicked, answered, inbound-call, replied, converted, opted-out.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Value of the response (e.g. order value of a conversion), if any.</summary>
    public decimal? Value { get; init; }
}
