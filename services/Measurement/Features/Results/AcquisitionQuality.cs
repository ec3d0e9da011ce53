namespace Measurement.Features.Results;

/// <summary>Quality of what an acquisition campaign acquired, per cell (control's organic converters included).</summary>
public sealed record AcquisitionQuality(DateTimeOffset AsOf, IReadOnlyList<CohortFigures> Cells, string Method);
