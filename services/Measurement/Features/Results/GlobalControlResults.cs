namespace Measurement.Features.Results;

/// <summary>
/// <c>GET /v1/global-control/results</c>: the effect of all marketing, targeted customers outside the global control
/// (<see cref="Targeted"/>, treatment) against those inside it (<see cref="GlobalControl"/>): buyer rate and revenue per
/// customer since first targeted, lifts unadjusted and CUPED, and the incremental revenue it implies.
/// </summary>
public sealed record GlobalControlResults(
    DateTimeOffset ComputedAt, ResultsSettings Settings, GlobalControlGroup Targeted, GlobalControlGroup GlobalControl,
    MetricLift BuyerRate, MetricLift RevenuePerCustomer, Estimate? IncrementalRevenue, IReadOnlyList<string> Notes);
