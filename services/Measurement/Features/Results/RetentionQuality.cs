namespace Measurement.Features.Results;

/// <summary>
/// Retention (and win-back) campaigns: the share of members still buying after 90 days; <see cref="Matured"/> is false
/// while the last wave started less than 90 days ago (the shares still grow).
/// </summary>
public sealed record RetentionQuality(bool Matured, IReadOnlyList<RetentionCell> Cells, string Method);
