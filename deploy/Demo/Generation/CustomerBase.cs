namespace Demo.Generation;

/// <summary>The generated base: customers with their order history, prospects without, and the parameters they came from.</summary>
public sealed record CustomerBase(GeneratorParameters Parameters, IReadOnlyList<SyntheticCustomer> Customers, IReadOnlyList<SyntheticCustomer> Prospects)
{
    /// <summary>Customers and prospects together.</summary>
    public IEnumerable<SyntheticCustomer> Everyone => Customers.Concat(Prospects);

    /// <summary>Every order of the history.</summary>
    public long OrderCount => Customers.Sum(c => (long)c.Orders.Count);
}
