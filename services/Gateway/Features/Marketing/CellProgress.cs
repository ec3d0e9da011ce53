namespace Gateway.Features.Marketing;

/// <summary>A cell's members so far: assigned, contacted, responders, converters.</summary>
public sealed record CellProgress(string Cell, long Assigned, long Contacted, long Responders, long Converters);
