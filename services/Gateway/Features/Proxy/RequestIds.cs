using System.Diagnostics;

namespace Gateway.Features.Proxy;

/// <summary>
/// Every answer of the gateway carries <c>X-Request-Id</c>: the caller's own id when it sent a well-formed one (it is
/// forwarded to the service too), otherwise the W3C trace id of the request — the same trace the services' spans,
/// logs and problem details (<c>traceId</c>) continue, so one id finds a request everywhere.
/// </summary>
public static class RequestIds
{
    /// <summary>The header, in requests and answers.</summary>
    public const string Header = "X-Request-Id";

    private const int MaxLength = 128;

    /// <summary>Sets <see cref="Header"/> on the answer (and keeps a caller's valid id on the forwarded request).</summary>
    public static WebApplication UseRequestIds(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var given = context.Request.Headers[Header].ToString();
            string id;
            if (IsWellFormed(given))
            {
                id = given;
                Activity.Current?.SetTag("request.id", id);
            }
            else
            {
                id = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
                context.Request.Headers[Header] = id; // a malformed one is not passed on
            }

            context.Response.Headers[Header] = id;
            await next(context);
        });
        return app;
    }

    /// <summary>1–128 characters of letters, digits, '-', '_', '.' or ':' (nothing a log or header could be fooled by).</summary>
    public static bool IsWellFormed(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
