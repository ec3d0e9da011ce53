using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(MigrationRunnerTests));

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Migrate_RunTwiceAndConcurrently_AppliesEachScriptOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        var scripts = MigrationRunner.ScriptsFor(typeof(MigrationRunnerTests).Assembly);

        var concurrent = await Task.WhenAll(runner.MigrateAsync(scripts, default), runner.MigrateAsync(scripts, default));
        var again = await runner.MigrateAsync(scripts, default);

        Assert.Equal(scripts.Count, concurrent.Sum());
        Assert.Equal(0, again);
        Assert.Contains(scripts, s => s.Id == "platform/0001_outbox_inbox");
        Assert.Contains(scripts, s => s.Id == "service/0001_test_effects");
    }

    [Fact]
    public async Task Migrate_WhenAScriptFails_LeavesNothingOfItAndStops()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        (string, string)[] scripts = [("x/0001_ok", "CREATE TABLE ok_table (id int)"), ("x/0002_bad", "CREATE TABLE half_table (id int); SELECT no_such_column FROM ok_table")];

        await Assert.ThrowsAsync<PostgresException>(() => runner.MigrateAsync(scripts, default));

        await using var connection = await _database.OpenAsync();
        await using var check = new NpgsqlCommand("SELECT to_regclass('half_table') IS NULL AND to_regclass('ok_table') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM schema_migrations WHERE id = 'x/0002_bad')", connection);
        Assert.True((bool)(await check.ExecuteScalarAsync())!);
    }
}

public sealed class DeterministicGuidTests
{
    [Fact]
    public void Create_MatchesRfc4122Version5()
    {
        // uuid5(NAMESPACE_DNS, "python.org") as published in Python's uuid documentation
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"), DeterministicGuid.Create(dns, "python.org"));
    }

    [Fact]
    public void ForCustomer_IsStable_SourceCaseInsensitive_AndDistinguishesSources()
    {
        Assert.Equal(DeterministicGuid.ForCustomer("WebShop", "42"), DeterministicGuid.ForCustomer("webshop", " 42 "));
        Assert.NotEqual(DeterministicGuid.ForCustomer("webshop", "42"), DeterministicGuid.ForCustomer("billing", "42"));
        Assert.NotEqual(DeterministicGuid.ForCustomer("web", "shop42"), DeterministicGuid.ForCustomer("webshop", "42"));
    }
}
