namespace Platform.Contracts.Campaigns;

/// <summary>Contacts a campaign made or tried (batches of up to 1,000): each with its cost and outcome at dispatch.</summary>
public sealed record ContactsDispatched
{
    /// <summary>The campaign.</summary>
    public required Guid CampaignId { get; init; }

    /// <summary>The contacts.</summary>
    public required IReadOnlyList<ContactRecord> Contacts { get; init; }
}

/// <summary>One contact of one customer in one step.</summary>
public sealed record ContactRecord
{
    /// <summary>Stable id of (campaign, customer, step).</summary>
    public required Guid ContactId { get; init; }

    /// <summary>The customer.</summary>
    public required Guid CustomerId { get; init; }

    /// <summary>Cell code.</summary>
    public required string Cell { get; init; }

    /// <summary>Wave number.</summary>
    public required int Wave { get; init; }

    /// <summary>Step number of the cell's channel plan.</summary>
    public required int Step { get; init; }

    /// <summary>Channel used (<c>direct_mail</c>, <c>outbound_call</c>, <c>email</c>, <c>sms</c>); empty when the member was blocked before a channel was chosen (no reachable channel, control).</summary>
    public required string Channel { get; init; }

    /// <summary>Offer made, if any.</summary>
    public string? OfferCode { get; init; }

    /// <summary>Cost of the contact (0 when blocked).</summary>
    public required decimal Cost { get; init; }

    /// <summary>When it was dispatched (or blocked).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary><c>dispatched</c>, <c>exported</c> or <c>blocked</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it was blocked (e.g. <c>no_consent</c>, <c>opted_out</c>, <c>frequency_cap</c>, <c>quiet_hours</c>, <c>global_control</c>); null otherwise.</summary>
    public string? BlockReason { get; init; }
}
