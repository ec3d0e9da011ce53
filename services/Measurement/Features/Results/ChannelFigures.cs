namespace Measurement.Features.Results;

/// <summary>Contacts made (dispatched or exported) through one channel in a step, and their cost.</summary>
public sealed record ChannelFigures(string Channel, long Contacts, double Cost);
