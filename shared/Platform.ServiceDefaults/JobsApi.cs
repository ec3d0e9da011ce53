using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Data.Jobs;
using Platform.ServiceDefaults.OpenApi;

namespace Platform.ServiceDefaults;

/// <summary>
/// Operator view of the service's background jobs: <c>GET /admin/jobs?kind=&amp;status=&amp;limit=</c>, newest first, each
/// with its attempts (worker, times, outcome, error). Dead jobs are found with <c>status=dead</c>. Payloads are not shown.
/// </summary>
public static class JobsApi
{
    private const int MaxLimit = 500;

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/jobs", ListAsync)
            .WithApiTag("Operations", OperationsTag.Description)
            .WithName("listJobs")
            .WithSummary("Background jobs, newest first, with their run history; filter by kind and status (queued, running, succeeded, dead)");
        return app;
    }

    private static async Task<IResult> ListAsync(string? kind, string? status, int? limit, JobStore jobs, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (status is not null && !JobStore.Statuses.Contains(status))
        {
            errors.Add("status", "must be one of " + string.Join(", ", JobStore.Statuses));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}");
        }

        errors.MaxLength("kind", kind, 200);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await jobs.ListAsync(kind, status, limit ?? 50, ct));
    }
}
