namespace Gateway.Features.Access;

/// <summary>
/// What an API key may do. A key holds one or more scopes; each route of the gateway needs exactly one
/// (<see cref="ScopeRequirement"/>), anything else is refused with 403.
/// </summary>
public static class Scopes
{
    /// <summary>Write customers, orders, responses and imports (and read what they wrote): Ingestion's API but erasure.</summary>
    public const string Ingest = "ingest";

    /// <summary>Segments, campaigns, results, the statistics calculator, the marketer endpoints and results pages.</summary>
    public const string Marketer = "marketer";

    /// <summary>Erasure, keys, error queues and the services' other <c>/admin</c> endpoints.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope, in the order they are listed.</summary>
    public static readonly IReadOnlyList<string> All = [Ingest, Marketer, Admin];
}
