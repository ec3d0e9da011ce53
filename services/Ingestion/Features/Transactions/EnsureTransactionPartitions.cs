namespace Ingestion.Features.Transactions;

/// <summary>The payload of <see cref="TransactionPartitionsJob"/> (it needs nothing: the months follow from the clock).</summary>
public sealed record EnsureTransactionPartitions;
