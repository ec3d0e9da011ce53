using MassTransit;

namespace Platform.Data;

/// <summary>
/// How consumers of frequent events take them in batches (a consumer of MassTransit's <see cref="Batch{T}"/> with
/// <see cref="Inbox.ProcessBatchOnceAsync{T}"/>): up to <see cref="MessageLimit"/> events that are waiting in the queue
/// go into one database transaction, one batch at a time per replica. Measured on the ingest benchmark
/// (docs/ingestion-performance.md): with one transaction, inbox row and statement set per event, the consumers of
/// <c>TransactionsRecorded</c> took more CPU than Ingestion itself. An event that arrives alone waits at most
/// <see cref="TimeLimit"/> for company.
/// </summary>
public static class ConsumerBatches
{
    /// <summary>Most events in one batch (an import's event carries up to 1,000 rows, a group commit's a few dozen).</summary>
    public const int MessageLimit = 20;

    /// <summary>Longest wait, from a batch's first event, for more to join it.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(10);

    /// <summary>Applies these limits, one batch at a time, to a batch consumer's options.</summary>
    public static void Configure(BatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SetMessageLimit(MessageLimit).SetTimeLimit(TimeLimit).SetConcurrencyLimit(1);
    }
}
