namespace Demo.Generation;

/// <summary>
/// The documented ground truth of the synthetic customer base: how many customers and prospects, how long the history,
/// the types' shares and behaviour. <see cref="Default"/> is what the demo runs with; every draw comes from
/// <see cref="Seed"/>, so the same parameters give the same base.
/// </summary>
public sealed record GeneratorParameters
{
    /// <summary>The discount on a discounted order (share of its gross value).</summary>
    public const double DiscountRate = 0.2;

    public int Customers { get; init; } = 50_000;

    public int Prospects { get; init; } = 20_000;

    /// <summary>Days of order history before the end of history (customers are acquired uniformly over them).</summary>
    public int HistoryDays { get; init; } = 730;

    public int Seed { get; init; } = 20_261_130;

    /// <summary>Shares of the types among customers (sum to 1).</summary>
    public IReadOnlyDictionary<CustomerType, double> CustomerShares { get; init; } = new Dictionary<CustomerType, double>
    {
        [CustomerType.Loyal] = 0.25, [CustomerType.Regular] = 0.50, [CustomerType.DealSeeker] = 0.25,
    };

    /// <summary>Shares of the types among the partner list's prospects (sum to 1): more deal seekers.</summary>
    public IReadOnlyDictionary<CustomerType, double> ProspectShares { get; init; } = new Dictionary<CustomerType, double>
    {
        [CustomerType.Loyal] = 0.20, [CustomerType.Regular] = 0.40, [CustomerType.DealSeeker] = 0.40,
    };

    /// <summary>Behaviour per type (also of prospects once they buy).</summary>
    public IReadOnlyDictionary<CustomerType, TypeParameters> Types { get; init; } = new Dictionary<CustomerType, TypeParameters>
    {
        // λ mean 0.25/week (13 a year), p mean 0.03, mean order 60, 10% discounted
        [CustomerType.Loyal] = new(PurchaseShape: 4, PurchaseRate: 16, DropoutA: 1, DropoutB: 32, SpendP: 6, SpendQ: 4, SpendGamma: 30, DiscountedShare: 0.10),
        // λ mean 0.08/week, p mean 0.11, mean order 50, 15% discounted
        [CustomerType.Regular] = new(PurchaseShape: 2, PurchaseRate: 25, DropoutA: 1.5, DropoutB: 12, SpendP: 6, SpendQ: 4, SpendGamma: 25, DiscountedShare: 0.15),
        // λ mean 0.12/week, p mean 0.2, mean order 35, 85% discounted
        [CustomerType.DealSeeker] = new(PurchaseShape: 3, PurchaseRate: 25, DropoutA: 2, DropoutB: 8, SpendP: 6, SpendQ: 4, SpendGamma: 17.5, DiscountedShare: 0.85),
    };

    /// <summary>Share of customers who gave mail consent (all have a postal address).</summary>
    public double MailConsentShare { get; init; } = 0.95;

    /// <summary>Share of customers with a phone number; of those, <see cref="PhoneConsentShare"/> allow calls.</summary>
    public double PhoneShare { get; init; } = 0.85;

    public double PhoneConsentShare { get; init; } = 0.80;

    /// <summary>The parameters the demo runs with.</summary>
    public static GeneratorParameters Default { get; } = new();
}
