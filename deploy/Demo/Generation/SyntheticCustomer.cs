namespace Demo.Generation;

/// <summary>
/// A customer (or prospect) of the synthetic base with the truth behind their data: type, purchase rate, dropout
/// probability, mean order value, whether they are still alive at the end of history, and their reachability.
/// </summary>
public sealed record SyntheticCustomer
{
    public required int Index { get; init; }

    public required string ExternalId { get; init; }

    public required bool IsProspect { get; init; }

    public required CustomerType Type { get; init; }

    /// <summary>Purchases per week while alive (for a prospect: once acquired).</summary>
    public required double PurchasesPerWeek { get; init; }

    /// <summary>Probability of dropping out after each purchase.</summary>
    public required double Dropout { get; init; }

    /// <summary>Mean gross order value (p/ν of the Gamma-Gamma draw).</summary>
    public required double MeanOrderValue { get; init; }

    /// <summary>The Gamma-Gamma rate ν of this customer's order values (shape: the type's p).</summary>
    public required double SpendRate { get; init; }

    /// <summary>Share of this customer's orders with a discount.</summary>
    public required double DiscountedShare { get; init; }

    /// <summary>Still buying at the end of history (prospects: true, they have not started).</summary>
    public required bool AliveAtEnd { get; init; }

    /// <summary>Day (relative to the end of history, negative) of acquisition: the first order.</summary>
    public required double JoinedDay { get; init; }

    public required bool MailConsent { get; init; }

    public required string? Phone { get; init; }

    public required bool PhoneConsent { get; init; }

    public required IReadOnlyList<SyntheticOrder> Orders { get; init; }

    /// <summary>Reachable by direct mail (consent; everyone has an address).</summary>
    public bool Mailable => MailConsent;

    /// <summary>Reachable by an outbound call (a phone and consent).</summary>
    public bool Callable => Phone is not null && PhoneConsent;

    /// <summary>Expected net value of an organic order: discounted orders lose <see cref="GeneratorParameters.DiscountRate"/>.</summary>
    public double MeanOrganicNet => MeanOrderValue * (1 - (GeneratorParameters.DiscountRate * DiscountedShare));
}
