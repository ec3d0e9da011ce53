using Dapper;
using Npgsql;

namespace Gateway.Features.Keys;

/// <summary>The <c>api_keys</c> table: keys by their SHA-256, never the key itself.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource db)
{
    private const string InsertSql = """
        INSERT INTO api_keys (id, name, prefix, key_hash, scopes, requests_per_second, burst, created_at)
        VALUES (@Id, @Name, @Prefix, @Hash, @Scopes, @RequestsPerSecond, @Burst, @CreatedAt)
        """;

    private const string FindActiveSql = """
        SELECT id AS Id, name AS Name, scopes AS Scopes, requests_per_second AS RequestsPerSecond, burst AS Burst
        FROM api_keys WHERE key_hash = @Hash AND revoked_at IS NULL
        """;

    private const string Columns = """
        SELECT id AS Id, name AS Name, prefix AS Prefix, scopes AS Scopes, requests_per_second AS RequestsPerSecond, burst AS Burst,
               created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_keys
        """;

    // Newest first; the cursor is the (created_at, id) of the last key shown.
    private const string ListSql = Columns + """

        WHERE (@AfterTime::timestamptz IS NULL OR (created_at, id) < (@AfterTime, @AfterId))
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit
        """;

    private const string GetSql = Columns + "\nWHERE id = @Id";

    // Revoking twice keeps the first time; a row is returned for any known key.
    private const string RevokeSql = """
        UPDATE api_keys SET revoked_at = coalesce(revoked_at, @Now) WHERE id = @Id RETURNING id
        """;

    /// <summary>Stores a new key (its hash and prefix).</summary>
    public async Task InsertAsync(CreatedApiKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            key.Id, key.Name, key.Prefix, Hash = ApiKeyFormat.Hash(key.Key), key.Scopes, key.RequestsPerSecond, key.Burst, key.CreatedAt,
        }, cancellationToken: ct));
    }

    /// <summary>The key whose SHA-256 is <paramref name="hash"/>, unless unknown or revoked.</summary>
    public async Task<ApiKeyIdentity?> FindActiveAsync(byte[] hash, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ActiveKeyRow>(new CommandDefinition(FindActiveSql, new { Hash = hash }, cancellationToken: ct));
        return row is null ? null : new ApiKeyIdentity(row.Id, row.Name, row.Scopes, row.RequestsPerSecond, row.Burst);
    }

    /// <summary>A page of keys, newest first, after the key at (<paramref name="afterTime"/>, <paramref name="afterId"/>).</summary>
    public async Task<List<ApiKeyInfo>> ListAsync(DateTimeOffset? afterTime, Guid? afterId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<KeyRow>(new CommandDefinition(ListSql,
            new { AfterTime = afterTime, AfterId = afterId ?? Guid.Empty, Limit = limit }, cancellationToken: ct))).Select(r => r.ToInfo()).ToList();
    }

    /// <summary>One key, revoked or not; null when unknown.</summary>
    public async Task<ApiKeyInfo?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct)))?.ToInfo();
    }

    /// <summary>Revokes the key; false when unknown. Revoking a revoked key changes nothing.</summary>
    public async Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(RevokeSql, new { Id = id, Now = now }, cancellationToken: ct)) is not null;
    }

    // Classes with setters, not positional records: Dapper describes a text[] column as System.Array and matches
    // constructors by that type, while a property of type string[] takes the string[] that Npgsql reads.
    private sealed class ActiveKeyRow
    {
        public Guid Id { get; init; }

        public string Name { get; init; } = "";

        public string[] Scopes { get; init; } = [];

        public int RequestsPerSecond { get; init; }

        public int Burst { get; init; }
    }

    private sealed class KeyRow
    {
        public Guid Id { get; init; }

        public string Name { get; init; } = "";

        public string Prefix { get; init; } = "";

        public string[] Scopes { get; init; } = [];

        public int RequestsPerSecond { get; init; }

        public int Burst { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }

        public ApiKeyInfo ToInfo() => new(Id, Name, Prefix, Scopes, RequestsPerSecond, Burst, CreatedAt, RevokedAt);
    }
}
