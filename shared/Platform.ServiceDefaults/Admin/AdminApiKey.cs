using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Admin;

/// <summary>
/// Guards every path under <c>/admin</c> (error-queue replay, parked outbox rows, jobs, whatever is added there) with
/// <c>Authorization: Bearer &lt;key&gt;</c>, the key coming from configuration <c>Admin:ApiKey</c> (environment
/// <c>Admin__ApiKey</c>; <c>deploy/infra.sh</c> generates it into <c>.local/platform.env</c>). Path-based rather than
/// per endpoint, so an admin endpoint cannot be added unguarded. A missing or wrong key gets 401; a service with no
/// key configured refuses every admin request (403): fail closed. A host that registers <see cref="AdminGuardReplaced"/>
/// (the gateway: its scoped keys guard <c>/admin/**</c>) gets no guard from here.
/// </summary>
public static class AdminApiKey
{
    /// <summary>The configuration key of the admin key.</summary>
    public const string ConfigurationKey = "Admin:ApiKey";

    /// <summary>The path prefix it guards.</summary>
    public const string PathPrefix = "/admin";

    /// <summary>Adds the guard to the pipeline (before the endpoints run).</summary>
    public static IApplicationBuilder UseAdminApiKey(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<AdminGuardReplaced>() is not null)
        {
            return app;
        }

        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        // Hashing both sides makes the comparison constant-time in the key's length too.
        var expected = configuration[ConfigurationKey] is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;
        return app.Use(async (context, next) =>
        {
            // StartsWithSegments ignores case, like routing: /ADMIN/... is guarded too.
            if (!context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            if (expected is null)
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Admin endpoints are disabled: no admin key is configured (Admin__ApiKey).");
                return;
            }

            if (!Matches(context.Request.Headers.Authorization.ToString(), expected))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Admin endpoints need the header Authorization: Bearer <admin key>.");
                return;
            }

            await next(context);
        });
    }

    private static bool Matches(string authorization, byte[] expected)
    {
        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static async Task RefuseAsync(HttpContext context, int status, string title)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title },
        });
    }
}
