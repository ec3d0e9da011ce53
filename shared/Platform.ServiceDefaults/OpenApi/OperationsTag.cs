namespace Platform.ServiceDefaults.OpenApi;

/// <summary>The OpenAPI tag of the operator endpoints every service shares (<c>/admin/**</c>).</summary>
public static class OperationsTag
{
    /// <summary>What the tag's operations are for.</summary>
    public const string Description = "Operator endpoints (admin scope): error queues, background jobs, parked outbox messages.";
}
