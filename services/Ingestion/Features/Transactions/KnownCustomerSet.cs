namespace Ingestion.Features.Transactions;

/// <summary>
/// Customers a writer has seen to exist, remembered across its transactions (an import passes one set for all its
/// chunks, so each customer is looked up once per import). <see cref="KnownCustomers"/> empties it when an erasure
/// committed since it was filled: without a foreign key, a remembered customer could have been erased in between.
/// </summary>
public sealed class KnownCustomerSet : HashSet<Guid>
{
    /// <summary>The erasure count (<c>customer_erasures</c>) the ids are valid for; null before the first look.</summary>
    public long? Erasures { get; set; }
}
