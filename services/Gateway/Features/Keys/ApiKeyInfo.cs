namespace Gateway.Features.Keys;

/// <summary>A key as lists show it: never the key itself nor its hash.</summary>
public sealed record ApiKeyInfo(
    Guid Id, string Name, string Prefix, string[] Scopes, int RequestsPerSecond, int Burst, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
