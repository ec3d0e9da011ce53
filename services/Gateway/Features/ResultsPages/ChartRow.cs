namespace Gateway.Features.ResultsPages;

/// <summary>
/// One row of a chart: its label, the cell it belongs to, the estimate and its interval (a null end is unbounded on that
/// side), and the text written beside it.
/// </summary>
public sealed record ChartRow(string Label, string Cell, double? Value, double? Lower, double? Upper, string ValueText);
