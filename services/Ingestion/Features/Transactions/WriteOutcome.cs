using Platform.Data.Staging;

namespace Ingestion.Features.Transactions;

/// <summary>Outcomes of one write, in input order, with counts; <see cref="RecordedAt"/> is the time stored on new rows.</summary>
public sealed class WriteResult(RowOutcome[] outcomes, DateTimeOffset recordedAt)
{
    public IReadOnlyList<RowOutcome> Outcomes => outcomes;

    public DateTimeOffset RecordedAt => recordedAt;

    public int New { get; } = outcomes.Count(o => o == RowOutcome.New);

    public int Duplicates { get; } = outcomes.Count(o => o == RowOutcome.Duplicate);

    /// <summary>Rows refused for an unknown customer or a conflict.</summary>
    public int Rejected => outcomes.Length - New - Duplicates;
}

/// <summary>Splits new records into events of at most <see cref="MaxRecordsPerEvent"/> (DESIGN: bulk paths carry batches).</summary>
public static class EventBatches
{
    public const int MaxRecordsPerEvent = 1_000;

    public static List<TEvent> Split<TRecord, TEvent>(List<TRecord> records, Func<TRecord[], TEvent> create) =>
        records.Chunk(MaxRecordsPerEvent).Select(create).ToList();
}
