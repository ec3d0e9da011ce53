using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

public sealed class PoolDefaultsTests : IAsyncLifetime
{
    private const string Statement = "SELECT count(*) FROM pg_class WHERE relname = @Name";

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(nameof(PoolDefaultsTests));

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _database.DisposeAsync();
    }

    [Fact]
    public void ApplyPoolDefaults_WhenConnectionStringSaysNothing_PreparesRepeatedStatementsAndSkipsTheReset()
    {
        var builder = new NpgsqlConnectionStringBuilder("Host=127.0.0.1;Database=x");

        DatabaseExtensions.ApplyPoolDefaults(builder);

        Assert.Equal(DatabaseExtensions.DefaultMaxAutoPrepare, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);
        Assert.True(builder.NoResetOnClose);
    }

    [Fact]
    public void ApplyPoolDefaults_WhenConnectionStringSetsThem_KeepsItsValues()
    {
        var builder = new NpgsqlConnectionStringBuilder("Host=127.0.0.1;Database=x;Max Auto Prepare=0;No Reset On Close=false");

        DatabaseExtensions.ApplyPoolDefaults(builder);

        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.False(builder.NoResetOnClose);
    }

    [Fact]
    public async Task ServiceDataSource_WhenAStatementRepeats_RunsItPreparedOnAPooledConnection()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Database"] = _database.ConnectionString });
        builder.AddDatabase(typeof(PoolDefaultsTests).Assembly);
        await using var services = builder.Services.BuildServiceProvider();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        for (var i = 0; i < 3; i++)
        {
            // A connection back in the pool keeps what the server prepared for it (no reset in between).
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteScalarAsync<long>(Statement, new { Name = "pg_class" });
        }

        await using var check = await dataSource.OpenConnectionAsync();
        var prepared = await check.QueryAsync<string>("SELECT statement FROM pg_prepared_statements");
        Assert.Contains(prepared, s => s.Contains("FROM pg_class WHERE relname", StringComparison.Ordinal));
    }
}
