namespace Platform.Contracts.Segmentation;

/// <summary>
/// The scores of one completed scoring run (batches of up to 1,000, in any order): what Measurement needs to judge the
/// customers a campaign acquired or kept. A later run supersedes an earlier one (<see cref="RunNumber"/>).
/// </summary>
public sealed record CustomersScored
{
    /// <summary>The scoring run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>Order of runs, assigned by Segmentation's database when the run completed: the highest is the latest.</summary>
    public required long RunNumber { get; init; }

    /// <summary>The moment the scores describe.</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>Position of this batch, from 1 to <see cref="BatchCount"/>.</summary>
    public required int BatchNumber { get; init; }

    /// <summary>Number of batches of the run.</summary>
    public required int BatchCount { get; init; }

    /// <summary>The scores of this batch.</summary>
    public required IReadOnlyList<CustomerScore> Scores { get; init; }
}

/// <summary>One customer's scores: ids and attributes only, no personal data.</summary>
public sealed record CustomerScore
{
    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary><c>top</c>, <c>middle</c> or <c>bottom</c>; null without purchases.</summary>
    public string? ValueTier { get; init; }

    /// <summary>Model lifetime value (discounted expected margin); null without a model fit.</summary>
    public double? Clv { get; init; }

    /// <summary>Probability the customer is still active; null without a model fit.</summary>
    public double? ProbabilityAlive { get; init; }

    /// <summary><c>low</c>, <c>medium</c> or <c>high</c>; null without a model fit.</summary>
    public string? ChurnRisk { get; init; }

    /// <summary>Buys mostly on discount or promotion.</summary>
    public required bool DealSeeker { get; init; }

    /// <summary>Orders so far.</summary>
    public required int Orders { get; init; }
}
