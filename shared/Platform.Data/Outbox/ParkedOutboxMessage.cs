namespace Platform.Data;

/// <summary>An outbox message the relay gave up on (the body is not shown: it may hold personal data).</summary>
public sealed record ParkedOutboxMessage(
    long Sequence, Guid MessageId, string MessageType, DateTimeOffset CreatedAt, DateTimeOffset ParkedAt, int Attempts, string? LastError);
