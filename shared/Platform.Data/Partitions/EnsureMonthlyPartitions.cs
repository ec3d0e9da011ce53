namespace Platform.Data.Partitions;

/// <summary>The payload of <see cref="MonthlyPartitionsJob"/> (it needs nothing: the months follow from the clock, the tables from the service).</summary>
public sealed record EnsureMonthlyPartitions;
