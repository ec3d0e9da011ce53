namespace Platform.Data;

/// <summary>
/// Tells this process's outbox relay that rows were just written. Raised when the rows are added, i.e. before the
/// writer commits, so the relay looks again for a short while if it finds nothing yet.
/// </summary>
public sealed class OutboxSignal : WakeSignal;
