using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Data.Migrations;

/// <summary>
/// Applies numbered SQL scripts embedded in assemblies (resources named <c>*.Migrations.NNNN_name.sql</c>), each once,
/// each in its own transaction, in order. A PostgreSQL advisory lock lets several replicas start at once safely.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Arbitrary constant shared by all replicas of a service: only one migrates at a time.
    private const long AdvisoryLockKey = 7_290_412_001;

    /// <summary>Scripts of one assembly, ordered by their number, with the id recorded once applied.</summary>
    public static IReadOnlyList<(string Id, string Sql)> ScriptsOf(Assembly assembly, string scope)
    {
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n[(n.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..^".sql".Length], Resource: n))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => ($"{scope}/{s.Name}", Read(assembly, s.Resource)))
            .ToList();
    }

    /// <summary>
    /// What a service's database gets, in order: the platform's own scripts (outbox, inbox, jobs, partitions), then the
    /// service's (<paramref name="serviceAssembly"/>), as the service applies them at start.
    /// </summary>
    public static IReadOnlyList<(string Id, string Sql)> ScriptsFor(Assembly serviceAssembly) =>
        [.. ScriptsOf(typeof(MigrationRunner).Assembly, "platform"), .. ScriptsOf(serviceAssembly, "service")];

    /// <summary>Applies the scripts not yet applied; returns how many ran.</summary>
    public async Task<int> MigrateAsync(IEnumerable<(string Id, string Sql)> scripts, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id         text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken: ct));
            var applied = (await connection.QueryAsync<string>(new CommandDefinition("SELECT id FROM schema_migrations", cancellationToken: ct)))
                .ToHashSet(StringComparer.Ordinal);

            var count = 0;
            foreach (var (id, sql) in scripts)
            {
                if (applied.Contains(id))
                {
                    continue;
                }

                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition("INSERT INTO schema_migrations (id) VALUES (@id)", new { id }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied migration {MigrationId}", id);
                count++;
            }

            return count;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} not found.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
