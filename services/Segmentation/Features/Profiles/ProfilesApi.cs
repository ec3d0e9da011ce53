using Dapper;
using Npgsql;
using Segmentation.Features.Scoring;
using Platform.ServiceDefaults.OpenApi;

namespace Segmentation.Features.Profiles;

public static class ProfilesApi
{
    private const string SelectSql = """
        SELECT p.customer_id AS CustomerId, p.person_id AS PersonId, p.source, p.external_id AS ExternalId, p.lifecycle, p.gender,
               p.birth_year AS BirthYear, p.join_date AS JoinDate, p.country, p.region, p.acquisition_channel AS AcquisitionChannel,
               p.acquisition_campaign AS AcquisitionCampaign, p.consent_email AS ConsentEmail, p.consent_sms AS ConsentSms,
               p.consent_mail AS ConsentMail, p.consent_phone AS ConsentPhone, p.customer_updated_at AS CustomerUpdatedAt,
               p.customer_version AS CustomerVersion, p.created_at AS CreatedAt
        FROM customer_profiles p WHERE p.customer_id = @customerId
        """;

    private const string PurchasesSql = $"""
        SELECT orders_count AS OrdersCount, returns_count AS ReturnsCount, purchase_days AS PurchaseDays, gross_revenue AS GrossRevenue,
               net_revenue AS NetRevenue, discount_total AS DiscountTotal, cost_total AS CostTotal,
               discounted_orders_count AS DiscountedOrdersCount, round(net_revenue / nullif(orders_count, 0), 2) AS AverageOrderValue,
               round({PurchaseMargin.Sql}, 2) AS Margin,
               first_purchase_at AS FirstPurchaseAt, last_purchase_at AS LastPurchaseAt,
               (@now AT TIME ZONE 'UTC')::date - (first_purchase_at AT TIME ZONE 'UTC')::date AS TenureDays
        FROM customer_purchases WHERE customer_id = @customerId
        """;

    private const string ChannelsSql = """
        SELECT channel, orders_count AS OrdersCount, net_revenue AS NetRevenue FROM customer_channel_purchases
        WHERE customer_id = @customerId ORDER BY orders_count DESC, channel
        """;

    private const string ScoresSql = """
        SELECT run_id AS RunId, as_of AS AsOf, recency_score AS RecencyScore, frequency_score AS FrequencyScore, monetary_score AS MonetaryScore,
               rfm_cell AS RfmCell, value, value_tier AS ValueTier, discounted_share AS DiscountedShare, deal_seeker AS DealSeeker,
               p_alive AS ProbabilityAlive, expected_purchases AS ExpectedPurchases, expected_spend AS ExpectedSpend, clv,
               clv_economics AS ClvEconomics, churn_risk AS ChurnRisk
        FROM customer_scores WHERE customer_id = @customerId
        """;

    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/profiles/{customerId:guid}", GetAsync)
            .WithName("getProfile").WithSummary("A customer's profile: RFM aggregates, scores, value tier, lifetime value, churn risk, deal-seeker flag")
            .WithApiTag("Profiles", "A customer's aggregates and scores as Segmentation keeps them.");
        return app;
    }

    private static async Task<IResult> GetAsync(Guid customerId, NpgsqlDataSource db, ScoringRequests scoring, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var profile = await connection.QuerySingleOrDefaultAsync<ProfileResponse>(new CommandDefinition(SelectSql, new { customerId }, cancellationToken: ct));
        if (profile is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No profile for customer {customerId}.");
        }

        var purchases = await connection.QuerySingleOrDefaultAsync<PurchaseSummary>(new CommandDefinition(PurchasesSql,
            new { customerId, now = time.GetUtcNow(), margin_rate = (decimal)(await scoring.GetSettingsAsync(ct)).DefaultMarginRate }, cancellationToken: ct));
        var channels = await connection.QueryAsync<ChannelMix>(new CommandDefinition(ChannelsSql, new { customerId }, cancellationToken: ct));
        var scores = await connection.QuerySingleOrDefaultAsync<CustomerScores>(new CommandDefinition(ScoresSql, new { customerId }, cancellationToken: ct));
        return TypedResults.Ok(profile with { Purchases = purchases, Channels = channels.ToList(), Scores = scores });
    }
}

/// <summary>What Segmentation knows of a customer: no names or contact details.</summary>
public sealed record ProfileResponse(
    Guid CustomerId,
    Guid? PersonId,
    string Source,
    string ExternalId,
    string Lifecycle,
    string? Gender,
    int? BirthYear,
    DateOnly? JoinDate,
    string? Country,
    string? Region,
    string? AcquisitionChannel,
    string? AcquisitionCampaign,
    bool? ConsentEmail,
    bool? ConsentSms,
    bool? ConsentMail,
    bool? ConsentPhone,
    DateTimeOffset CustomerUpdatedAt,
    long CustomerVersion,
    DateTimeOffset CreatedAt)
{
    /// <summary>Purchase aggregates; null before the first transaction.</summary>
    public PurchaseSummary? Purchases { get; init; }

    /// <summary>Orders and net revenue per sales channel.</summary>
    public IReadOnlyList<ChannelMix> Channels { get; init; } = [];

    /// <summary>Scores of the latest scoring run; null before the first.</summary>
    public CustomerScores? Scores { get; init; }
}

/// <summary>Purchase aggregates; margin counts known costs and the default margin rate for orders without one.</summary>
public sealed record PurchaseSummary(
    int OrdersCount, int ReturnsCount, int PurchaseDays, decimal GrossRevenue, decimal NetRevenue, decimal DiscountTotal, decimal CostTotal,
    int DiscountedOrdersCount, decimal? AverageOrderValue, decimal Margin, DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt, int? TenureDays);

public sealed record ChannelMix(string Channel, int OrdersCount, decimal NetRevenue);

public sealed record CustomerScores(
    Guid RunId, DateTimeOffset AsOf, short? RecencyScore, short? FrequencyScore, short? MonetaryScore, string? RfmCell, decimal? Value,
    string? ValueTier, double? DiscountedShare, bool DealSeeker, double? ProbabilityAlive, double? ExpectedPurchases, double? ExpectedSpend,
    double? Clv, double? ClvEconomics, string? ChurnRisk);
