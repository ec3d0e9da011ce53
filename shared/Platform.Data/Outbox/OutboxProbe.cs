namespace Platform.Data;

/// <summary>
/// Published by the outbox relay (to an exchange no queue is bound to) when a round's publishes all failed: confirmed,
/// it shows the broker takes publishes, so the failures were the messages' own (counted towards
/// <see cref="OutboxOptions.MaxAttempts"/>); not confirmed, the broker is out (nothing counted). A refusal of one message
/// type can look exactly like an outage from the publishing side (MassTransit retries the refused declaration until the
/// publish times out), which is why the relay asks the broker instead of judging by the exception.
/// </summary>
public sealed record OutboxProbe;
