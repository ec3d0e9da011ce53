namespace Platform.Data.IntegrationTests;

/// <summary>
/// A message the broker refuses while a test has declared its exchange with another type than MassTransit's fanout
/// (MassTransit's declaration then fails with PRECONDITION_FAILED on every publish): a real refusal of one message type.
/// </summary>
public sealed record RefusableMessage
{
    /// <summary>The exchange MassTransit publishes this type to.</summary>
    public const string Exchange = "Platform.Data.IntegrationTests:RefusableMessage";

    public required string Name { get; init; }
}
