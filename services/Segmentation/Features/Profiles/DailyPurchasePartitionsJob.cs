using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Segmentation.Features.Profiles;

/// <summary>
/// Keeps a partition of <c>customer_daily_purchases</c> ready for every month up to three months ahead (migration
/// 0010), daily, as a periodic job of the scheduler. Without it, days of a month that has no partition yet would go to
/// the default partition, which would grow like the unpartitioned table did.
/// </summary>
public sealed class DailyPurchasePartitionsJob(NpgsqlDataSource db, TimeProvider time) : IJobHandler<EnsureDailyPurchasePartitions>
{
    /// <summary>The job kind.</summary>
    public static readonly JobKind<EnsureDailyPurchasePartitions> Kind = new("segmentation.daily-purchase-partitions");

    /// <summary>How far ahead partitions are created.</summary>
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(92);

    /// <summary>Registers the handler and its daily run.</summary>
    public static IServiceCollection AddDailyPurchasePartitions(IServiceCollection services)
    {
        services.AddJob<EnsureDailyPurchasePartitions, DailyPurchasePartitionsJob>(Kind, o => o.Concurrency = 1);
        services.AddPeriodicJob(Kind, new EnsureDailyPurchasePartitions(), _ => JobSchedule.DailyAt(new TimeOnly(0, 40)));
        return services;
    }

    public async Task RunAsync(EnsureDailyPurchasePartitions payload, JobContext job, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT ensure_daily_purchase_partitions(@From, @To)",
            new { From = today, To = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime + Ahead) }, cancellationToken: ct));
    }
}
