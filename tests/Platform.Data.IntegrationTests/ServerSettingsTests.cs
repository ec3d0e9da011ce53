using Dapper;
using Npgsql;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// The PostgreSQL server that deploy/infra.sh starts (the one tests run on, on this machine) has the settings bulk writes
/// need: checkpoints far apart and compressed full-page images (docs/ingestion-performance.md: with the defaults, 1M
/// imported orders wrote 6.1 GB of WAL, mostly page images; with these, 1.25 GB).
/// </summary>
public sealed class ServerSettingsTests
{
    [Fact]
    public async Task Server_KeepsCheckpointsApartAndCompressesPageImages()
    {
        await using var connection = new NpgsqlConnection(TestServers.AdminConnectionString());

        var settings = (await connection.QueryAsync<(string Name, string Setting, string? Unit)>(
                "SELECT name, setting, unit FROM pg_settings WHERE name IN ('max_wal_size', 'checkpoint_timeout', 'wal_compression')"))
            .ToDictionary(s => s.Name);

        Assert.Equal("lz4", settings["wal_compression"].Setting);
        Assert.Equal(("MB", 4096L), (settings["max_wal_size"].Unit, long.Parse(settings["max_wal_size"].Setting, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(("s", 900L), (settings["checkpoint_timeout"].Unit, long.Parse(settings["checkpoint_timeout"].Setting, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
