namespace Platform.Testing;

/// <summary>One post the sink received.</summary>
public sealed record ReceivedPost(int Number, string? Timestamp, string? Signature, string Body, bool Failed);
