using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Platform.Data;

namespace Platform.ServiceDefaults;

/// <summary>
/// A request that failed because the database or the broker is unreachable (<see cref="TransientFailures"/>) is answered
/// <c>503 application/problem+json</c> with <c>Retry-After</c>, never 500: nothing was written (the transaction did not
/// commit, or its outcome is recorded idempotently), so the client may send the same request again.
/// </summary>
internal sealed partial class TransientFailureExceptionHandler(IProblemDetailsService problemDetails, ILogger<TransientFailureExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before retrying.</summary>
    internal const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!TransientFailures.IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name, exception.Message, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The service is temporarily unavailable.",
            Detail = "A backing store is unreachable; nothing was changed. Retry the request after the delay in Retry-After.",
        };
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    // Warning, not error, and no stack trace: an outage fails many requests the same way and is reported by readiness.
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: backing store unavailable ({ExceptionType}: {Reason})")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason, string method, PathString path);
}
