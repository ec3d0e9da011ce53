using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Ingestion.Features.Transactions;

/// <summary>
/// Keeps a partition of <c>transactions</c> ready for every month up to three months ahead (migration 0009), daily, as
/// a periodic job of the scheduler (once per day whatever the number of replicas). Without it, orders of a month that
/// has no partition yet would go to the default partition, which grows like the unpartitioned table did.
/// </summary>
public sealed class TransactionPartitionsJob(NpgsqlDataSource db, TimeProvider time) : IJobHandler<EnsureTransactionPartitions>
{
    /// <summary>The job kind.</summary>
    public static readonly JobKind<EnsureTransactionPartitions> Kind = new("ingestion.transaction-partitions");

    /// <summary>How far ahead partitions are created.</summary>
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(92);

    /// <summary>Registers the handler and its daily run.</summary>
    public static IServiceCollection AddTransactionPartitions(IServiceCollection services)
    {
        services.AddJob<EnsureTransactionPartitions, TransactionPartitionsJob>(Kind, o => o.Concurrency = 1);
        services.AddPeriodicJob(Kind, new EnsureTransactionPartitions(), _ => JobSchedule.DailyAt(new TimeOnly(0, 30)));
        return services;
    }

    public async Task RunAsync(EnsureTransactionPartitions payload, JobContext job, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT ensure_transaction_partitions(@From, @To)", new { From = now, To = now + Ahead }, cancellationToken: ct));
    }
}
