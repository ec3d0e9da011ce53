using System.Text.Json;

namespace Gateway.Features.Marketing;

/// <summary>
/// What a service answered to one of the gateway's own calls: its JSON body when it answered 2xx, its status otherwise,
/// or the reason no answer came (<see cref="Failure"/>: connection refused, timeout, 5xx).
/// </summary>
public sealed record ServiceAnswer(int? Status, JsonElement? Body, string? Failure)
{
    public bool IsOk => Status is >= 200 and < 300 && Body is not null;

    public bool IsNotFound => Status == StatusCodes.Status404NotFound;

    /// <summary>The service could not give an answer (down, timed out, 5xx): the part it owns is missing, not absent.</summary>
    public bool Failed => Failure is not null;
}
