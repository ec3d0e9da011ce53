namespace Demo.Generation;

/// <summary>The hidden kind of a synthetic customer: it sets their purchase, dropout, spend and discount behaviour, and how they answer campaigns.</summary>
public enum CustomerType
{
    /// <summary>Buys often, stays long, rarely needs a discount.</summary>
    Loyal,

    /// <summary>The average customer.</summary>
    Regular,

    /// <summary>Buys mostly with discounts or promotion codes and leaves soon.</summary>
    DealSeeker,
}
