namespace Gateway.Features.Keys;

/// <summary>API keys: stored hashed in the gateway's database, created, listed and revoked by admins, checked on every request.</summary>
public static class KeysExtensions
{
    /// <summary>The gateway's database (keys), the key check and the per-key rate limits.</summary>
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder) => builder; // TODO(keys stream)

    /// <summary>Refuses a request without a key (401), with a key lacking the route's scope (403) or over its rate (429).</summary>
    public static WebApplication UseApiKeys(this WebApplication app) => app; // TODO(keys stream)

    /// <summary><c>/admin/keys</c> and the sign-in page.</summary>
    public static WebApplication MapKeysApi(this WebApplication app) => app; // TODO(keys stream)
}
