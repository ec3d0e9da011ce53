namespace Measurement.Features.Results;

/// <summary>
/// One channel step of a cell: contacts dispatched and exported, contacts blocked (by reason), their cost, and responders
/// among the contacted members (a response in the window after this step's contact).
/// </summary>
public sealed record StepFigures(
    int Step, long Contacted, long Dispatched, long Exported, long Blocked, IReadOnlyDictionary<string, long> BlockedByReason,
    IReadOnlyList<ChannelFigures> Channels, double Cost, long Responders, Estimate ResponseRateAmongContacted);
