namespace Measurement.Features.Facts;

/// <summary>
/// How many purchases and responses that occurred in [<paramref name="From"/>, <paramref name="To"/>) Measurement has
/// recorded (and attributed: a fact commits together with its attribution), and the latest instant of each.
/// </summary>
public sealed record FactCounts(
    DateTimeOffset From, DateTimeOffset? To, long Purchases, long Responses, DateTimeOffset? LastPurchaseAt, DateTimeOffset? LastResponseAt);
