using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Testing;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>Migration 0006 on a database that already holds purchases: every one is kept, in its month's partition.</summary>
public sealed class PurchasePartitionMigrationTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(PurchasePartitionMigrationTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ExistingPurchases_AreCopiedIntoTheirMonths_WithTheirValues()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        var scripts = MigrationRunner.ScriptsFor(typeof(Program).Assembly);
        await runner.MigrateAsync(scripts.Where(s => string.CompareOrdinal(s.Id, "service/0006") < 0), default);
        await using var connection = await _database.OpenAsync();
        var lastMonth = DateTimeOffset.UtcNow.AddMonths(-1);
        await connection.ExecuteAsync("""
            INSERT INTO purchases (transaction_id, customer_id, occurred_at, net_amount, margin, cost_known, is_return, campaign_code, promotion_code)
            SELECT gen_random_uuid(), gen_random_uuid(), t, 12.5, 2.5, true, false, 'SPRING', NULL
            FROM unnest(ARRAY[@lastMonth, '1997-03-01T08:00:00Z'::timestamptz, @lastMonth]) AS t
            """, new { lastMonth });
        var before = await connection.QueryAsync<string>("SELECT row(purchases.*)::text FROM purchases ORDER BY 1");

        await runner.MigrateAsync(scripts, default);

        var after = await connection.QueryAsync<string>("SELECT row(purchases.*)::text FROM purchases ORDER BY 1");
        var partitions = await connection.QueryAsync<(string, long)>("SELECT tableoid::regclass::text, count(*) FROM purchases GROUP BY 1 ORDER BY 2");
        Assert.Equal(before, after);
        Assert.Equal([("purchases_default", 1L), ($"purchases_{lastMonth:yyyy_MM}", 2L)], partitions);
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT to_regclass('purchases_unpartitioned')::text"));
    }
}
