namespace Campaigns.IntegrationTests.Dispatch;

/// <summary>A row of the contacts ledger.</summary>
public sealed record ContactRow(Guid ContactId, Guid CustomerId, string Cell, int Wave, int Step, string? Channel, decimal Cost, DateTimeOffset At, string Status, string? BlockReason);
