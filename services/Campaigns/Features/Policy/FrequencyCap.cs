namespace Campaigns.Features.Policy;

/// <summary>At most <see cref="MaxContacts"/> contacts of a customer in any <see cref="Days"/> days, across all campaigns, on <see cref="Channel"/> (null: all channels together).</summary>
public sealed record FrequencyCap(string? Channel, int MaxContacts, int Days);
