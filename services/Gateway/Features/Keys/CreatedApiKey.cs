namespace Gateway.Features.Keys;

/// <summary>The answer to creating a key: the only time <see cref="Key"/> is shown (only its hash is kept).</summary>
public sealed record CreatedApiKey(
    Guid Id, string Name, string Prefix, string[] Scopes, int RequestsPerSecond, int Burst, DateTimeOffset CreatedAt, string Key);
