namespace Measurement.Features.Results;

/// <summary>The smallest lifts a cell against control could detect with their actual sizes, at the given power and α (two-sided).</summary>
public sealed record DetectableLiftView(
    string Cell, long ControlSize, long TreatedSize, double Power, double Alpha,
    DetectableFigure ResponseRate, DetectableFigure ConversionRate, DetectableFigure RevenuePerCustomer, string Method);
