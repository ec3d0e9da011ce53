using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Data.Jobs;

namespace Platform.Data.Partitions;

/// <summary>
/// Tables partitioned by the month their rows occurred in (platform migration 0004, <c>ensure_monthly_partitions</c>):
/// each month <c>&lt;table&gt;_YYYY_MM</c>, other months in <c>&lt;table&gt;_default</c>.
/// </summary>
public static class MonthlyPartitions
{
    /// <summary>How far ahead the daily job keeps partitions.</summary>
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(92);

    /// <summary>
    /// Creates the missing partitions of <paramref name="table"/> from the month of <paramref name="first"/> to the month
    /// of <paramref name="last"/> (UTC) and returns how many it created; harmless when they exist.
    /// </summary>
    public static Task<int> EnsureAsync(NpgsqlConnection connection, string table, DateTimeOffset first, DateTimeOffset last, CancellationToken ct) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT ensure_monthly_partitions(@Table::regclass, @First, @Last)", new { Table = table, First = first.ToUniversalTime(), Last = last.ToUniversalTime() }, cancellationToken: ct));

    /// <summary>
    /// Runs <see cref="MonthlyPartitionsJob"/> for <paramref name="tables"/> daily at 00:30 UTC as jobs of
    /// <paramref name="kind"/> (a name stable across releases, e.g. <c>ingestion.transaction-partitions</c>). Once per
    /// service, naming all its partitioned tables.
    /// </summary>
    public static IServiceCollection AddMonthlyPartitions(this IServiceCollection services, string kind, params string[] tables)
    {
        var jobKind = new JobKind<EnsureMonthlyPartitions>(kind);
        services.AddSingleton(new PartitionedTables(tables));
        services.AddJob<EnsureMonthlyPartitions, MonthlyPartitionsJob>(jobKind, o => o.Concurrency = 1);
        services.AddPeriodicJob(jobKind, new EnsureMonthlyPartitions(), _ => JobSchedule.DailyAt(new TimeOnly(0, 30)));
        return services;
    }
}
