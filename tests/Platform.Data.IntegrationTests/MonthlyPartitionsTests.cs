using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Data.Partitions;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// <c>ensure_monthly_partitions</c> (platform migration 0004), which keeps the months of Ingestion's transactions and
/// Measurement's purchases: one partition per UTC month, none over rows already in the default partition.
/// </summary>
public sealed class MonthlyPartitionsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(MonthlyPartitionsTests));
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await new MigrationRunner(_dataSource, NullLogger<MigrationRunner>.Instance).MigrateAsync(MigrationRunner.ScriptsOf(typeof(MigrationRunner).Assembly, "platform"), default);
        await using var connection = await _dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            CREATE TABLE facts (id int NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
            CREATE TABLE facts_default PARTITION OF facts DEFAULT;
            CREATE TABLE plain_facts (id int NOT NULL, at timestamptz NOT NULL);
            """);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Ensure_CreatesEachUtcMonthOnce_AndLeavesMonthsWithRowsInTheDefaultThere()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        // 2026-03-31 23:30 at -02:00 is April in UTC: the range runs from April to June.
        var first = new DateTimeOffset(2026, 3, 31, 23, 30, 0, TimeSpan.FromHours(-2));
        var last = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await connection.ExecuteAsync("INSERT INTO facts VALUES (1, '2026-05-20T10:00:00Z')"); // May already has a row in the default

        var created = await MonthlyPartitions.EnsureAsync(connection, "facts", first, last, default);
        var again = await MonthlyPartitions.EnsureAsync(connection, "facts", first, last, default);
        await connection.ExecuteAsync("INSERT INTO facts VALUES (2, '2026-04-01T00:00:00Z'), (3, '2026-06-30T23:59:59Z'), (4, '2026-05-01T00:00:00Z')");

        Assert.Equal((2, 0), (created, again));
        var placed = await connection.QueryAsync<(int, string)>("SELECT id, tableoid::regclass::text FROM facts ORDER BY id");
        Assert.Equal([(1, "facts_default"), (2, "facts_2026_04"), (3, "facts_2026_06"), (4, "facts_default")], placed);
    }

    [Theory]
    [InlineData("plain_facts", "is not partitioned")]
    [InlineData("no_such_table", "does not exist")]
    public async Task Ensure_OnATableNotPartitionedByMonth_FailsNamingIt_AndCreatesNothing(string table, string message)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => MonthlyPartitions.EnsureAsync(connection, table, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, default));

        Assert.Contains(message, error.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname LIKE 'plain_facts\\_%'"));
    }
}
