using Npgsql;

namespace Platform.Testing;

/// <summary>A fresh PostgreSQL database for one test class, dropped when disposed.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name) => Name = name;

    public string Name { get; }

    /// <summary>Connection string to this database (the admin role owns it).</summary>
    public string ConnectionString => TestServers.AdminConnectionString(Name);

    public static async Task<TestDatabase> CreateAsync(string purpose)
    {
        var name = $"t_{Sanitize(purpose)}_{Guid.NewGuid():N}"; // at most 59 characters: PostgreSQL keeps 63
        await using var admin = new NpgsqlConnection(TestServers.AdminConnectionString());
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
        return new TestDatabase(name);
    }

    /// <summary>Opens a connection to this database.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await using var admin = new NpgsqlConnection(TestServers.AdminConnectionString());
        await admin.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // e.g. an autovacuum worker still in the database: it ends on its own
                await Task.Delay(500 * attempt);
            }
        }
    }

    private static string Sanitize(string purpose)
    {
        var clean = new string(purpose.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
        return clean.Length > 24 ? clean[..24] : clean;
    }
}
