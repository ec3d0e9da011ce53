using Gateway.Features.Access;
using Gateway.Features.Proxy;
using Microsoft.Extensions.Http.Resilience;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Gateway.Features.Marketing;

/// <summary>Marketer endpoints that save round trips: a campaign's design, progress and results in one call; the list with headlines.</summary>
public static class MarketingExtensions
{
    /// <summary>
    /// HTTP clients of Campaigns and Measurement at the addresses the proxy uses, each with the standard resilience handler
    /// (retries of transient failures, attempt and total timeouts, circuit breaker). Two quick retries rather than the
    /// default three with 2 s backoff: a marketer waits for the answer, and a part that stays missing is shown as such.
    /// </summary>
    public static WebApplicationBuilder AddMarketing(this WebApplicationBuilder builder)
    {
        foreach (var (name, defaultAddress) in GatewayExtensions.Services.Where(s => s.Name is MarketingClient.Campaigns or MarketingClient.Measurement))
        {
            var address = GatewayExtensions.AddressOf(builder.Configuration, name, defaultAddress);
            builder.Services.AddHttpClient(name, c => c.BaseAddress = new Uri(address))
                .AddHttpMessageHandler<HealthyInstanceHandler>() // inside the resilience handler: each retry picks an available instance again
                .AddStandardResilienceHandler(o =>
                {
                    o.Retry.MaxRetryAttempts = 2;
                    o.Retry.Delay = TimeSpan.FromMilliseconds(200);
                    o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                    o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                });
        }

        builder.Services.AddSingleton<MarketingClient>();
        builder.Services.AddSingleton<CampaignOverviewReader>();
        builder.Services.AddSingleton<CampaignListReader>();
        return builder;
    }

    /// <summary><c>/marketing/v1/campaigns[/{id}]</c>.</summary>
    public static WebApplication MapMarketingApi(this WebApplication app)
    {
        var marketing = app.MapGroup("/marketing/v1/campaigns").RequireScope(Scopes.Marketer)
            .WithApiTag("Marketing", "Marketer endpoints that save round trips (marketer scope): a campaign's design, progress and results in one call, and the campaign list with each campaign's headline.");
        marketing.MapGet("/", ListAsync)
            .WithName("listCampaignHeadlines")
            .WithSummary("Campaigns with their headline: best cell's response lift against control, its ROI, and the test's health")
            .WithDescription("""
                Campaigns' list (`status`, `after`, `limit` as Campaigns takes them; newest first) with, per launched campaign, the
                cell with the largest response-rate lift against control (Measurement's lift with its interval), that cell's ROI
                with its interval, and the health flags (sample-ratio mismatch and its p-value, control contacted). A headline
                is null before launch; when Measurement fails every headline is null and `problems` says why.
                """)
            .Produces<CampaignListPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        marketing.MapGet("/{campaignId}", GetAsync)
            .WithName("getCampaignOverview")
            .WithSummary("A campaign's design, progress and results in one answer")
            .WithDescription("""
                The design as Campaigns stores it, the progress (status, launch state, member counts; per cell assigned,
                contacted, responders; contacts made and blocked by reason) and Measurement's results (null before launch).
                Both services are asked in parallel; a service that fails leaves its part null and named in `problems`.
                """)
            .Produces<CampaignOverview>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Reads a campaign id from the route: a UUID, else a 400 naming <c>id</c>.</summary>
    public static bool TryParseId(string text, out Guid id, out IResult? problem)
    {
        problem = null;
        if (Guid.TryParseExact(text, "D", out id) && id != Guid.Empty)
        {
            return true;
        }

        var errors = new ValidationErrors();
        errors.Add("id", $"'{text}' is not a campaign id (a UUID such as 0190a5b4-7c1e-7000-8000-000000000000)");
        problem = errors.ToProblem();
        return false;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, CampaignListReader reader, CancellationToken ct)
    {
        var (page, problem) = await reader.ReadAsync(request, ct);
        return page is not null ? TypedResults.Ok(page) : problem!;
    }

    private static async Task<IResult> GetAsync(string campaignId, CampaignOverviewReader reader, CancellationToken ct)
    {
        if (!TryParseId(campaignId, out var id, out var bad))
        {
            return bad!;
        }

        var (overview, problem) = await reader.ReadAsync(id, ct);
        return overview is not null ? TypedResults.Ok(overview) : problem!;
    }
}
