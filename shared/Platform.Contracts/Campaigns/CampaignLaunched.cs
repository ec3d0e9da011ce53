namespace Platform.Contracts.Campaigns;

/// <summary>
/// A campaign was launched (or, for an external campaign, its assignments were imported): its design as Measurement needs
/// it. Its members follow in <see cref="CustomersAssigned"/> batches, its contacts in <see cref="ContactsDispatched"/>.
/// </summary>
public sealed record CampaignLaunched
{
    /// <summary>The campaign.</summary>
    public required Guid CampaignId { get; init; }

    /// <summary>The campaign code that responses and orders carry (unique).</summary>
    public required string Code { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary><c>acquisition</c>, <c>retention</c>, <c>cross_sell</c> or <c>win_back</c>.</summary>
    public required string Objective { get; init; }

    /// <summary><c>platform</c> (executed here) or <c>external</c> (executed elsewhere, assignments and contacts imported).</summary>
    public required string Kind { get; init; }

    /// <summary>The frozen segment snapshot it targets; null for an external campaign.</summary>
    public Guid? SnapshotId { get; init; }

    /// <summary>When it was launched.</summary>
    public required DateTimeOffset LaunchedAt { get; init; }

    /// <summary>Outcomes count within this many days of a customer's first contact (of the wave's start for control members).</summary>
    public required int ResponseWindowDays { get; init; }

    /// <summary>Budget ceiling, if any, in <see cref="Currency"/>.</summary>
    public decimal? Budget { get; init; }

    /// <summary>ISO 4217 currency of costs and budget.</summary>
    public required string Currency { get; init; }

    /// <summary>Cells as designed, control included.</summary>
    public required IReadOnlyList<CampaignCell> Cells { get; init; }

    /// <summary>Waves as designed (one wave when the design has none).</summary>
    public required IReadOnlyList<CampaignWave> Waves { get; init; }

    /// <summary>Offers as designed.</summary>
    public required IReadOnlyList<CampaignOffer> Offers { get; init; }

    /// <summary>Members in the target (global control members included); they follow in <see cref="CustomersAssigned"/> batches.</summary>
    public required int MemberCount { get; init; }

    /// <summary>Share of all customers held out of every campaign as the global control, at launch.</summary>
    public required double GlobalControlShare { get; init; }
}

/// <summary>One cell of a campaign.</summary>
public sealed record CampaignCell
{
    /// <summary>Cell code, unique in the campaign; the control cell's code is <c>control</c>.</summary>
    public required string Code { get; init; }

    /// <summary>Designed share of the target (shares of all cells, control included, sum to 1).</summary>
    public required double Share { get; init; }

    /// <summary>True for the campaign's control cell (never contacted).</summary>
    public required bool IsControl { get; init; }

    /// <summary>The offer the cell makes, if any.</summary>
    public string? OfferCode { get; init; }

    /// <summary>The channel plan's steps, in order (empty for control).</summary>
    public required IReadOnlyList<CampaignStep> Steps { get; init; }
}

/// <summary>One step of a cell's channel plan.</summary>
public sealed record CampaignStep
{
    /// <summary>Step number from 1.</summary>
    public required int Number { get; init; }

    /// <summary>Channels in order of preference (<c>direct_mail</c>, <c>outbound_call</c>, <c>email</c>, <c>sms</c>).</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>Days after the wave's start.</summary>
    public required int DayOffset { get; init; }

    /// <summary><c>always</c>, <c>no_response_yet</c> or <c>not_reached</c>.</summary>
    public required string Condition { get; init; }

    /// <summary>Cost of one contact.</summary>
    public required decimal CostPerContact { get; init; }
}

/// <summary>One wave: a batch of the target started at its own time.</summary>
public sealed record CampaignWave
{
    /// <summary>Wave number from 1.</summary>
    public required int Number { get; init; }

    /// <summary>Share of the target in this wave.</summary>
    public required double Share { get; init; }

    /// <summary>When the wave starts (its steps' day offsets count from here).</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Offer deadline of this wave, if any.</summary>
    public DateTimeOffset? OfferDeadline { get; init; }
}

/// <summary>One offer of a campaign.</summary>
public sealed record CampaignOffer
{
    /// <summary>Offer code, unique in the campaign.</summary>
    public required string Code { get; init; }

    /// <summary><c>discount</c>, <c>service_benefit</c> or <c>gift</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Face value (e.g. the discount amount).</summary>
    public required decimal Value { get; init; }

    /// <summary>What one redemption costs the company.</summary>
    public required decimal CostPerRedemption { get; init; }

    /// <summary>Last moment the offer can be redeemed, if any (waves may set their own).</summary>
    public DateTimeOffset? Deadline { get; init; }
}
