using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Jobs;
using Platform.Data.Time;

namespace Platform.ServiceDefaults;

/// <summary>
/// The simulated clock's operator endpoints, mapped only when the service runs on one (<c>Clock__Start</c>):
/// <c>GET /admin/clock</c> (now, start, how far it jumped) and <c>POST /admin/clock {"advanceTo": "..."}</c>, which moves
/// "now" forward (a time not later than now is a 400 naming <c>advanceTo</c>) and wakes the job scheduler, so jobs that
/// became due run at once. Under <c>/admin</c>: the admin key guards them.
/// </summary>
public static class ClockApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapClockApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/clock", (SimulatedClock clock) => TypedResults.Ok(ClockView.Of(clock)))
            .WithTags("Operations")
            .WithName("getClock")
            .WithSummary("The simulated clock: now, its configured start and how far it was moved forward.");
        app.MapPost("/admin/clock", Advance)
            .WithTags("Operations")
            .WithName("advanceClock")
            .WithSummary("Moves the simulated clock forward to advanceTo (never back); jobs due by then run.");
        return app;
    }

    private static IResult Advance(ClockAdvanceRequest? request, SimulatedClock clock, IServiceProvider services)
    {
        var errors = new ValidationErrors();
        if (request?.AdvanceTo is not { } target)
        {
            errors.Add("advanceTo", "is required: an ISO 8601 timestamp with offset, later than the clock's now");
            return errors.ToProblem();
        }

        if (!clock.AdvanceTo(target))
        {
            errors.Add("advanceTo", $"must be later than the clock's now ({clock.GetUtcNow():O}): the clock only moves forward");
            return errors.ToProblem();
        }

        services.GetService<JobSignal>()?.Notify();
        return TypedResults.Ok(ClockView.Of(clock));
    }
}
