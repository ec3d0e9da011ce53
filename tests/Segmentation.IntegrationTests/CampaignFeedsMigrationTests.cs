using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Testing;

namespace Segmentation.IntegrationTests;

/// <summary>Migration 0008 on a database that already has segments: they get versions and are announced once.</summary>
public sealed class CampaignFeedsMigrationTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(CampaignFeedsMigrationTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ExistingSegments_GetVersions_AndOneSegmentDefinedEach()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        var scripts = MigrationRunner.ScriptsFor(typeof(Program).Assembly);
        await runner.MigrateAsync(scripts.Where(s => string.CompareOrdinal(s.Id, "service/0008") < 0), default);
        await using var connection = await _database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO segments (id, name, rule, created_at, updated_at) VALUES
                ('00000000-0000-0000-0000-000000000001', 'old-a', '{"field":"country","op":"eq","value":"DE"}', now(), now()),
                ('00000000-0000-0000-0000-000000000002', 'old-b', '{"field":"country","op":"eq","value":"FR"}', now(), now())
            """);

        await runner.MigrateAsync(scripts, default);

        var versions = (await connection.QueryAsync<long>("SELECT version FROM segments ORDER BY name")).ToList();
        Assert.Equal(2, versions.Distinct().Count());
        Assert.All(versions, v => Assert.True(v > 0));
        var announced = (await connection.QueryAsync<(string, long, bool)>("""
            SELECT body->>'name', (body->>'version')::bigint, (body->>'deleted')::boolean FROM outbox_messages
            WHERE message_type = 'Platform.Contracts.Segmentation.SegmentDefined, Platform.Contracts' ORDER BY body->>'name'
            """)).ToList();
        Assert.Equal([("old-a", versions[0], false), ("old-b", versions[1], false)], announced);
    }
}
