namespace Demo;

/// <summary>
/// One cell's measured figures and truths: response and conversion rates, lifts against control (absolute, per member),
/// revenue per member and its lift, cost per incremental response and ROI; for acquisition also the acquired cohort's
/// deal-seeker share, 30-day repeat rate and LTV/CAC (no truth: CLV is the platform's prediction).
/// </summary>
public sealed record CellOutcome(
    string Cell,
    bool IsControl,
    long Assigned,
    long Contacted,
    double ContactCost,
    double OfferCost,
    Figure ResponseRate,
    Figure ConversionRate,
    Figure? ConversionLift,
    Figure RevenuePerMember,
    Figure? RevenueLift,
    Figure? CostPerIncrementalResponse,
    Figure? Roi,
    long? Acquired,
    Figure? AcquiredDealSeekerShare,
    Figure? AcquiredRepeat30,
    Figure? LtvToCac);
