using Platform.Data;
using Platform.ServiceDefaults.Admin;

namespace Gateway.Features.Keys;

/// <summary>API keys: stored hashed in the gateway's database, created, listed and revoked by admins, checked on every request.</summary>
public static class KeysExtensions
{
    /// <summary>
    /// The gateway's database (keys; migrations in <c>Migrations/</c>, no message bus: nothing here publishes or consumes),
    /// the key check and the per-key rate limits. The key check replaces the services' admin-key guard on the gateway's
    /// own <c>/admin/**</c>: a key with scope admin passes, the configured <c>Admin:ApiKey</c> among them.
    /// </summary>
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDatabase(typeof(KeysExtensions).Assembly);
        builder.Services.AddOptions<ApiKeyOptions>().Bind(builder.Configuration.GetSection(ApiKeyOptions.Section))
            .Validate(o => o.DefaultRequestsPerSecond >= 1 && o.DefaultBurst >= 1, "ApiKeys:DefaultRequestsPerSecond and ApiKeys:DefaultBurst must be at least 1")
            .Validate(o => o.CacheDuration >= TimeSpan.Zero && o.CacheDuration <= TimeSpan.FromSeconds(5), "ApiKeys:CacheDuration must be from 0 to 5 seconds")
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<ApiKeyValidator>();
        builder.Services.AddSingleton<ApiKeyRateLimits>();
        builder.Services.AddSingleton(new AdminGuardReplaced("the gateway's API keys (scope admin)"));
        return builder;
    }

    /// <summary>Refuses a request without a key (401), with a key lacking the route's scope (403) or over its rate (429).</summary>
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(ApiKeyCheck.InvokeAsync);
        return app;
    }

    /// <summary><c>/admin/keys</c> and the sign-in page.</summary>
    public static WebApplication MapKeysApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapKeyAdministration();
        app.MapSignIn();
        return app;
    }
}
