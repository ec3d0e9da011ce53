namespace Segmentation.Features.Profiles;

/// <summary>The payload of <see cref="DailyPurchasePartitionsJob"/> (it needs nothing: the months follow from the clock).</summary>
public sealed record EnsureDailyPurchasePartitions;
