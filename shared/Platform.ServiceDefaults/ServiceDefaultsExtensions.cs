using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.Data;
using Platform.ServiceDefaults.Admin;
using Platform.ServiceDefaults.Json;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults;

/// <summary>What every service wires the same way: telemetry, health, problem details, listen address.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// OpenTelemetry (traces, metrics, logs; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), health checks,
    /// RFC 7807 problem details for every error (including malformed JSON, naming the bad field), and a loopback
    /// listen address on <paramref name="defaultPort"/> unless <c>ASPNETCORE_URLS</c> says otherwise.
    /// Configuration comes from environment variables (<c>Section__Key</c>).
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{defaultPort}");
        }

        builder.AddTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddServiceDocument(); // /openapi/v1.json with the problem responses and tag descriptions every service shares
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Database or broker unreachable: 503 with Retry-After (the client retries), never a 500.
        builder.Services.AddExceptionHandler<TransientFailureExceptionHandler>();
        // Binding failures (malformed JSON, wrong types, oversize bodies) reach BadRequestExceptionHandler,
        // which answers with problem details naming the field, instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // One timestamp grammar for every input: a DateTimeOffset in a body is read like a CSV cell or a string field.
            o.SerializerOptions.Converters.Add(new IsoTimestampJsonConverter());
            StrictJson.Apply(o.SerializerOptions); // unknown properties, duplicate keys, NUL and unpaired surrogates: 400
        });
        return builder;
    }

    /// <summary>
    /// Error handling middleware, the admin key guard on <c>/admin/**</c> (<see cref="AdminApiKey"/>), the query-string
    /// check (<see cref="SafeQueryString"/>), the OpenAPI document at <c>/openapi/v1.json</c>, <c>/health/live</c>
    /// (process up) and <c>/health/ready</c> (database and broker reachable); <c>POST /admin/noop</c> only when
    /// <c>Benchmark:Enabled</c> is true; <c>/admin/clock</c> only on a simulated clock (<c>Clock:Start</c>).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAdminApiKey();
        app.UseSafeQueryString();
        app.MapOpenApi(); // /openapi/v1.json
        if (app.Configuration.GetValue<bool>("Benchmark:Enabled"))
        {
            // Baseline for load benchmarks: the same pipeline, no I/O behind it. Set only for the processes a benchmark
            // measures (deploy/platform bench); under /admin, so only the admin key reaches it (through the gateway: a key with scope admin).
            app.MapPost("/admin/noop", async (HttpRequest request) =>
            {
                await request.Body.CopyToAsync(Stream.Null);
                return Results.NoContent();
            }).ExcludeFromDescription();
        }

        if (app.Services.GetService<ErrorQueues>() is not null)
        {
            app.MapErrorQueuesApi();
        }

        if (app.Services.GetService<Platform.Data.Jobs.JobStore>() is not null)
        {
            app.MapJobsApi();
        }

        if (app.Services.GetService<OutboxParking>() is not null)
        {
            app.MapOutboxParkingApi();
        }

        if (app.Services.GetService<Platform.Data.Time.SimulatedClock>() is not null)
        {
            app.MapClockApi(); // only on a simulated clock (Clock__Start): demo and end-to-end runs
        }

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync });
        return app;
    }

    private static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var serviceName = builder.Environment.ApplicationName.ToLowerInvariant();

        // Per-command (Npgsql) and per-request (ASP.NET Core hosting) logs at Information cost more CPU than the work
        // they describe on hot paths (one line per SQL statement, the outbox relay polls): warnings only unless
        // configured (e.g. Logging__LogLevel__Npgsql=Information). Traces and metrics still cover every command/request.
        foreach (var category in new[] { "Npgsql", "Microsoft.AspNetCore" })
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(PlatformTelemetry.Name)
                .AddSource("MassTransit")
                .AddNpgsql()
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(builder.Environment.ApplicationName) // a service's own meter, named like the service (e.g. "Segmentation")
                .AddMeter(PlatformTelemetry.Name)
                .AddMeter("MassTransit")
                .AddMeter("Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), e.Value.Description, error = e.Value.Exception?.Message }),
        };
        return context.Response.WriteAsJsonAsync(body);
    }
}
