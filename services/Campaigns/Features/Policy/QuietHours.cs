namespace Campaigns.Features.Policy;

/// <summary>Local times between which a channel may not contact (<see cref="Start"/> inclusive, <see cref="End"/> exclusive; may span midnight).</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>True when <paramref name="local"/> falls in the quiet period.</summary>
    public bool Contains(TimeOnly local) => Start < End
        ? local >= Start && local < End
        : local >= Start || local < End;
}
