namespace Platform.Contracts.Segmentation;

/// <summary>One batch of a snapshot's members (up to 1,000); batches may arrive in any order and before the snapshot event.</summary>
public sealed record SegmentSnapshotMembersAdded
{
    /// <summary>The snapshot.</summary>
    public required Guid SnapshotId { get; init; }

    /// <summary>Position of this batch, from 1 to <see cref="BatchCount"/>.</summary>
    public required int BatchNumber { get; init; }

    /// <summary>Number of batches of the snapshot.</summary>
    public required int BatchCount { get; init; }

    /// <summary>Number of members of the snapshot.</summary>
    public required int MemberCount { get; init; }

    /// <summary>The members of this batch.</summary>
    public required IReadOnlyList<SnapshotMember> Members { get; init; }
}

/// <summary>A member with what campaigns need to pick cells, channels and offers: no contact details.</summary>
public sealed record SnapshotMember
{
    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary><c>top</c>, <c>middle</c> or <c>bottom</c>; null when not scored yet or without purchases.</summary>
    public string? ValueTier { get; init; }

    /// <summary>Recency, frequency and monetary quintiles, e.g. "545"; null without purchases.</summary>
    public string? RfmCell { get; init; }

    /// <summary>Model lifetime value (discounted expected margin); null without a model fit.</summary>
    public double? Clv { get; init; }

    /// <summary>Probability the customer is still active; null without a model fit.</summary>
    public double? ProbabilityAlive { get; init; }

    /// <summary><c>low</c>, <c>medium</c> or <c>high</c>; null without a model fit.</summary>
    public string? ChurnRisk { get; init; }

    /// <summary>Buys mostly on discount or promotion.</summary>
    public required bool DealSeeker { get; init; }

    /// <summary>Marketing consent per channel at the snapshot.</summary>
    public required Ingestion.ChannelConsents Consents { get; init; }

    /// <summary>
    /// Net revenue (gross minus discount, returns deducted) in the 365 days before the snapshot (whole UTC days: the as-of
    /// day and the 364 before it); 0 without purchases then.
    /// </summary>
    public decimal NetRevenue365 { get; init; }

    /// <summary>Orders (transactions that are not returns; several on one day count separately) in the same 365 days.</summary>
    public int Orders365 { get; init; }

    /// <summary><c>prospect</c> or <c>customer</c>; null in snapshots taken before this field existed.</summary>
    public string? Lifecycle { get; init; }
}
