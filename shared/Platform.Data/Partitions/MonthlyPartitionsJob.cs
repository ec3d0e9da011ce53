using Npgsql;
using Platform.Data.Jobs;

namespace Platform.Data.Partitions;

/// <summary>
/// Keeps a partition ready for every month up to <see cref="MonthlyPartitions.Ahead"/> of each of the service's
/// <see cref="PartitionedTables"/>, daily, as a periodic job of the scheduler (once per day whatever the number of
/// replicas). Without it, rows of a month that has no partition yet would go to the default partition, which grows like
/// an unpartitioned table.
/// </summary>
public sealed class MonthlyPartitionsJob(NpgsqlDataSource db, PartitionedTables tables, TimeProvider time) : IJobHandler<EnsureMonthlyPartitions>
{
    public async Task RunAsync(EnsureMonthlyPartitions payload, JobContext job, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        foreach (var table in tables.Names)
        {
            await MonthlyPartitions.EnsureAsync(connection, table, now, now + MonthlyPartitions.Ahead, ct);
        }
    }
}
