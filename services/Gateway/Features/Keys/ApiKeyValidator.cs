using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Admin;

namespace Gateway.Features.Keys;

/// <summary>
/// Tells which key a presented key is, if any: the configured admin key (<c>Admin:ApiKey</c>, scope admin, compared in
/// constant time) or an unrevoked key of the database. Keys found are trusted for <see cref="ApiKeyOptions.CacheDuration"/>
/// in this replica (so a request costs no query); a revoke through this replica forgets them at once. Unknown keys are
/// not remembered: a key created through another replica works at once.
/// </summary>
public sealed class ApiKeyValidator
{
    // Far more keys than a platform has; a flood of distinct valid keys cannot grow the cache without bound.
    private const int MaxCachedKeys = 10_000;

    private readonly ApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly ApiKeyOptions _options;
    private readonly byte[]? _configuredAdminHash;
    private readonly ApiKeyIdentity _configuredAdmin;
    private readonly ConcurrentDictionary<string, (ApiKeyIdentity Identity, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>Created by DI.</summary>
    public ApiKeyValidator(ApiKeyStore store, TimeProvider time, IOptions<ApiKeyOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        _store = store;
        _time = time;
        _options = options.Value;
        _configuredAdminHash = configuration[AdminApiKey.ConfigurationKey] is { Length: > 0 } admin ? ApiKeyFormat.Hash(admin) : null;
        _configuredAdmin = new ApiKeyIdentity(ApiKeyIdentity.ConfiguredAdminId, "configured admin key (Admin:ApiKey)", [Access.Scopes.Admin],
            _options.DefaultRequestsPerSecond, _options.DefaultBurst);
    }

    /// <summary>The key <paramref name="key"/> is, or null when it is none (unknown, revoked, malformed).</summary>
    public async ValueTask<ApiKeyIdentity?> ValidateAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 1024)
        {
            return null;
        }

        var hash = ApiKeyFormat.Hash(key);
        if (_configuredAdminHash is not null && CryptographicOperations.FixedTimeEquals(hash, _configuredAdminHash))
        {
            return _configuredAdmin;
        }

        if (!ApiKeyFormat.IsWellFormed(key))
        {
            return null;
        }

        var cacheKey = Convert.ToBase64String(hash);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Until > now)
        {
            return cached.Identity;
        }

        var identity = await _store.FindActiveAsync(hash, ct);
        if (identity is null)
        {
            _cache.TryRemove(cacheKey, out _);
            return null;
        }

        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[cacheKey] = (identity, now + _options.CacheDuration);
        return identity;
    }

    /// <summary>Forgets key <paramref name="id"/> (after its revoke): this replica refuses it from the next request.</summary>
    public void Forget(Guid id)
    {
        foreach (var entry in _cache)
        {
            if (entry.Value.Identity.Id == id)
            {
                _cache.TryRemove(entry.Key, out _);
            }
        }
    }
}
