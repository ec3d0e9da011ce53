using System.Threading.RateLimiting;

namespace Gateway.Features.Keys;

/// <summary>
/// One token bucket per key (System.Threading.RateLimiting): <see cref="ApiKeyIdentity.Burst"/> tokens, refilled with
/// <see cref="ApiKeyIdentity.RequestsPerSecond"/> every second. In memory, per replica: with N gateway replicas a key may
/// send up to N times its rate in total.
/// </summary>
public sealed class ApiKeyRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<ApiKeyIdentity> _limiter = PartitionedRateLimiter.Create<ApiKeyIdentity, Guid>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key.Id, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.Burst,
            TokensPerPeriod = key.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes a token of <paramref name="key"/>'s bucket: null when there was one, else the seconds to wait (at least 1).</summary>
    public int? TryAcquire(ApiKeyIdentity key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
