namespace Platform.Data.Partitions;

/// <summary>The tables of a service partitioned by month, whose months ahead <see cref="MonthlyPartitionsJob"/> creates.</summary>
public sealed record PartitionedTables(IReadOnlyList<string> Names);
