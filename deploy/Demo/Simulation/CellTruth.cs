namespace Demo.Simulation;

/// <summary>
/// A cell's true values: the average of its potential outcomes over all the campaign's members (what randomization lets
/// the cell's sample estimate), and for acquisition the acquired cohort's expected deal-seeker share and 30-day repeat rate.
/// </summary>
public sealed record CellTruth(double ResponseRate, double ConversionRate, double? RevenuePerCustomer, double? AcquiredDealSeekerShare, double? AcquiredRepeat30);
