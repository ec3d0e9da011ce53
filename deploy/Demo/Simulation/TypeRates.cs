using Demo.Generation;

namespace Demo.Simulation;

/// <summary>A probability per customer type.</summary>
public sealed record TypeRates(double Loyal, double Regular, double DealSeeker)
{
    /// <summary>The rate of <paramref name="type"/>.</summary>
    public double For(CustomerType type) => type switch
    {
        CustomerType.Loyal => Loyal,
        CustomerType.Regular => Regular,
        _ => DealSeeker,
    };
}
