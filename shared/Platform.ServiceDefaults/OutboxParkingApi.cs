using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Data;
using Platform.ServiceDefaults.OpenApi;

namespace Platform.ServiceDefaults;

/// <summary>
/// Operator endpoints for outbox messages the relay gave up on: <c>GET /admin/outbox/parked</c> (why, how often tried;
/// bodies are not shown) and <c>POST /admin/outbox/parked/replay</c> (all of them, or one with <c>?messageId=</c>: the
/// relay publishes them again). The backlog itself is in the metrics <c>platform.outbox.unsent</c> and
/// <c>platform.outbox.oldest_unsent_age</c>; parked rows are counted by <c>platform.outbox.parked</c>.
/// </summary>
public static class OutboxParkingApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapOutboxParkingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/outbox/parked").WithApiTag("Operations", OperationsTag.Description);
        group.MapGet("/", async (int? limit, OutboxParking parking, CancellationToken ct) =>
            TypedResults.Ok(await parking.ListAsync(Math.Clamp(limit ?? 100, 1, 1_000), ct)))
            .WithName("listParkedOutboxMessages").WithSummary("Outbox messages the relay parked after repeated publish failures");
        group.MapPost("/replay", async (Guid? messageId, OutboxParking parking, CancellationToken ct) =>
            TypedResults.Ok(new { replayed = await parking.ReplayAsync(messageId, ct) }))
            .WithName("replayParkedOutboxMessages").WithSummary("Returns parked outbox messages (one, or all) to the relay");
        return app;
    }
}
