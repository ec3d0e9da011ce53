using System.Globalization;
using Gateway.Features.Access;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Features.Keys;

/// <summary>
/// The key check in front of everything the gateway serves or forwards (<see cref="AccessRules"/> says what a path
/// needs): no key, or an unknown or revoked one, is a 401 (<c>WWW-Authenticate: Bearer</c>); a key over its rate a 429
/// with <c>Retry-After</c>; a key without the route's scope a 403; all <c>application/problem+json</c>. The key comes as
/// <c>Authorization: Bearer &lt;key&gt;</c>, or, for GET requests of the results pages only, in the sign-in cookie; a
/// browser asking for a page without either is sent to the sign-in page. The client's key never reaches a service (the
/// proxy's transform removes it, see <c>GatewayExtensions</c>).
/// </summary>
public static class ApiKeyCheck
{
    private const string BearerScheme = "Bearer ";

    /// <summary>The check as middleware.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        var access = AccessRules.For(request.Method, request.Path.Value);
        string? scope = access.Scope;
        var anyKey = false;
        if (access.Kind == RouteAccessKind.ByEndpoint)
        {
            if (context.GetEndpoint() is not { } endpoint)
            {
                anyKey = true; // no such path: a valid key then gets the 404
            }
            else
            {
                // An endpoint of the gateway's own without a stated scope is an operator's (e.g. /admin/jobs): fail closed.
                scope = endpoint.Metadata.GetMetadata<ScopeRequirement>()?.Scope ?? Scopes.Admin;
            }
        }

        if (access.Kind == RouteAccessKind.Anonymous || scope is { Length: 0 })
        {
            await next(context);
            return;
        }

        var isPage = IsPageRead(request);
        var key = BearerKey(request) ?? (isPage ? request.Cookies[SignInCookie.Name] : null);
        var identity = await context.RequestServices.GetRequiredService<ApiKeyValidator>().ValidateAsync(key, context.RequestAborted);
        if (identity is null)
        {
            if (isPage && AcceptsHtml(request))
            {
                var returnUrl = request.PathBase + request.Path + request.QueryString;
                context.Response.Redirect(SignInCookie.Path + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, key is null
                ? "This needs an API key: send the header Authorization: Bearer <key>."
                : "The API key is not valid (unknown or revoked).");
            return;
        }

        context.Features.Set(identity);
        if (context.RequestServices.GetRequiredService<ApiKeyRateLimits>().TryAcquire(identity) is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests,
                $"Too many requests for this key ({identity.RequestsPerSecond}/s, burst {identity.Burst}); retry after {retryAfter} s.");
            return;
        }

        if (!anyKey && scope is not null && !identity.Has(scope))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, $"This API key lacks the scope '{scope}' that this route needs.");
            return;
        }

        await next(context);
    }

    /// <summary>The key of <c>Authorization: Bearer &lt;key&gt;</c>, or null.</summary>
    public static string? BearerKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) && authorization[BearerScheme.Length..].Trim() is { Length: > 0 } key
            ? key
            : null;
    }

    /// <summary>A read of a results page: the only requests the sign-in cookie counts for (it cannot write anything).</summary>
    private static bool IsPageRead(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Path.StartsWithSegments(SignInCookie.PagesPrefix, StringComparison.OrdinalIgnoreCase);

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static async Task RefuseAsync(HttpContext context, int status, string title)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title },
        });
    }
}
