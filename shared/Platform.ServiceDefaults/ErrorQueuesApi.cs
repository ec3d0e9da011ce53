using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.ServiceDefaults.Admin;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.OpenApi;

namespace Platform.ServiceDefaults;

/// <summary>
/// Operator endpoints for poison messages: <c>GET /admin/error-queues</c> (counts), <c>GET /admin/error-queues/{endpoint}/messages</c>
/// (why they failed; bodies are not shown, they may hold personal data) and <c>POST /admin/error-queues/{endpoint}/replay</c>
/// (back to the input queue, e.g. after a fix). Reached through the gateway as <c>/{service}/admin/...</c> with a key of
/// scope admin (the gateway forwards it with the admin key), or on the service itself with <c>Authorization: Bearer</c>
/// and the admin key (<see cref="AdminApiKey"/> guards every <c>/admin</c> path).
/// </summary>
public static class ErrorQueuesApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapErrorQueuesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/error-queues").WithApiTag("Operations", OperationsTag.Description);
        group.MapGet("/", async (ErrorQueues queues, CancellationToken ct) => TypedResults.Ok(await queues.ListAsync(ct)))
            .WithName("listErrorQueues").WithSummary("The service's _error queues with their message counts");
        group.MapGet("/{endpoint}/messages", PeekAsync)
            .WithName("peekErrorQueue").WithSummary("The first messages parked in one endpoint's _error queue, with their faults");
        group.MapPost("/{endpoint}/replay", async (string endpoint, int? max, ErrorQueues queues, CancellationToken ct) =>
            await Known(endpoint, async () => TypedResults.Ok(new { endpoint, replayed = await queues.ReplayAsync(endpoint, Math.Clamp(max ?? 10_000, 1, 1_000_000), ct) })))
            .WithName("replayErrorQueue").WithSummary("Moves up to max messages from an _error queue back to its endpoint");
        return app;
    }

    // The shared page shape and limit; a queue is only read from its head, so there is never a next page to follow.
    private static async Task<IResult> PeekAsync(string endpoint, HttpRequest http, ErrorQueues queues, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.Read(http, errors, keyParts: 1);
        if (page?.Key is not null)
        {
            errors.Add("after", "is not supported: parked messages are shown from the head of the queue");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        return await Known(endpoint, async () => TypedResults.Ok(new Page<ParkedMessage>(await queues.PeekAsync(endpoint, page!.Limit, ct), null)));
    }

    private static async Task<IResult> Known(string endpoint, Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: e.Message);
        }
    }
}
