namespace Measurement.Features.Results;

/// <summary>Contacts (dispatched or exported) recorded to members of a control cell (the campaign's or the global control) in one step.</summary>
public sealed record ControlContactRow(string Cell, int Wave, int Step, string Channel, string Status, long Contacts);
