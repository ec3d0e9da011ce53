namespace Platform.Contracts.Campaigns;

/// <summary>Members of a launched campaign and the cell and wave each was assigned to (batches of up to 1,000).</summary>
public sealed record CustomersAssigned
{
    /// <summary>The campaign.</summary>
    public required Guid CampaignId { get; init; }

    /// <summary>Position of this batch, from 1 to <see cref="BatchCount"/>.</summary>
    public required int BatchNumber { get; init; }

    /// <summary>Number of batches of the campaign's assignments.</summary>
    public required int BatchCount { get; init; }

    /// <summary>The assignments of this batch.</summary>
    public required IReadOnlyList<Assignment> Assignments { get; init; }
}

/// <summary>One member's assignment, with the attributes the analysis needs as they were at launch.</summary>
public sealed record Assignment
{
    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>Cell code (<c>control</c> for the campaign's control; <c>global_control</c> for members of the global control group, never contacted).</summary>
    public required string Cell { get; init; }

    /// <summary>Wave number from 1.</summary>
    public required int Wave { get; init; }

    /// <summary>True when the member belongs to the platform's global control group.</summary>
    public required bool GlobalControl { get; init; }

    /// <summary><c>top</c>, <c>middle</c> or <c>bottom</c>, if scored.</summary>
    public string? ValueTier { get; init; }

    /// <summary>Model lifetime value at launch, if any.</summary>
    public double? Clv { get; init; }

    /// <summary>Buys mostly on discount or promotion.</summary>
    public required bool DealSeeker { get; init; }

    /// <summary>Net revenue in the 365 days before launch (CUPED covariate).</summary>
    public required decimal NetRevenue365 { get; init; }

    /// <summary>Orders in the 365 days before launch.</summary>
    public required int Orders365 { get; init; }

    /// <summary><c>prospect</c> or <c>customer</c>, if known.</summary>
    public string? Lifecycle { get; init; }
}
