using Campaigns.Features.Channels;
using Campaigns.Features.Policy;
using Platform.Contracts.Campaigns;

namespace Campaigns.Features.Dispatch;

/// <summary>
/// The contact policy applied to the members of one step, in value order (no I/O): global control, the step's
/// condition, the first reachable channel (consent, no opt-out, contact details), frequency caps across campaigns,
/// quiet hours in the customer's zone, the channel's daily capacity and the campaign's budget. It counts the contacts it
/// allows, so later members of the same run see them in caps, capacity and budget.
/// </summary>
public sealed class ContactDecider
{
    private readonly ContactPolicy _policy;
    private readonly GlobalControl _globalControl;
    private readonly CampaignStep _step;
    private readonly DateTimeOffset _now;
    private readonly decimal? _budget;
    private readonly Dictionary<string, int> _usedToday;
    private decimal _spent;

    /// <param name="policy">The contact policy.</param>
    /// <param name="globalControl">The global control group as configured now (a share raised after launch holds out more).</param>
    /// <param name="step">The step.</param>
    /// <param name="now">Dispatch time.</param>
    /// <param name="budget">The campaign's budget ceiling, if any.</param>
    /// <param name="spent">What the campaign's recorded contacts cost so far.</param>
    /// <param name="usedToday">Contacts made today per channel by all campaigns (capacity).</param>
    public ContactDecider(ContactPolicy policy, GlobalControl globalControl, CampaignStep step, DateTimeOffset now, decimal? budget, decimal spent, IReadOnlyDictionary<string, int> usedToday)
    {
        _policy = policy;
        _globalControl = globalControl;
        _step = step;
        _now = now;
        _budget = budget;
        _spent = spent;
        _usedToday = new Dictionary<string, int>(usedToday, StringComparer.Ordinal);
    }

    /// <summary>
    /// Decides for <paramref name="member"/>; <paramref name="recent"/> are the customer's contacts (all campaigns) within
    /// the longest cap window, and receives the contact when one is allowed.
    /// </summary>
    public ContactDecision Decide(MemberCandidate member, List<(string Channel, DateTimeOffset At)> recent)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(recent);
        if (_globalControl.Contains(member.CustomerId))
        {
            return new ContactDecision(ContactOutcome.Block, null, ContactStatus.GlobalControl);
        }

        if (_step.Condition == "no_response_yet" && member.Responded)
        {
            return new ContactDecision(ContactOutcome.Skip, null, ContactStatus.Responded);
        }

        if (_step.Condition == "not_reached" && member.PreviousReached)
        {
            return new ContactDecision(ContactOutcome.Skip, null, ContactStatus.Reached);
        }

        var (channel, unreachable) = ChooseChannel(member);
        if (channel is null)
        {
            return new ContactDecision(ContactOutcome.Block, null, unreachable);
        }

        foreach (var cap in _policy.FrequencyCaps)
        {
            if (cap.Channel is not null && cap.Channel != channel)
            {
                continue;
            }

            var since = _now.AddDays(-cap.Days);
            var count = recent.Count(r => r.At > since && (cap.Channel is null || r.Channel == cap.Channel));
            if (count >= cap.MaxContacts)
            {
                return new ContactDecision(ContactOutcome.Block, channel, ContactStatus.FrequencyCap);
            }
        }

        if (_policy.QuietUntil(channel, _now, _policy.ZoneOf(member.Country, member.Region)) is { } quietUntil)
        {
            return new ContactDecision(ContactOutcome.Defer, channel, ContactStatus.QuietHours, quietUntil);
        }

        if (_policy.DailyCapacity.TryGetValue(channel, out var capacity) && _usedToday.GetValueOrDefault(channel) >= capacity)
        {
            return new ContactDecision(ContactOutcome.Defer, channel, ContactStatus.Capacity, _policy.NextDayStart(_now));
        }

        if (_budget is { } budget && _spent + _step.CostPerContact > budget)
        {
            return new ContactDecision(ContactOutcome.Block, channel, ContactStatus.Budget);
        }

        _spent += _step.CostPerContact;
        _usedToday[channel] = _usedToday.GetValueOrDefault(channel) + 1;
        recent.Add((channel, _now));
        return new ContactDecision(ContactOutcome.Contact, channel, null);
    }

    /// <summary>
    /// The first channel of the step's preference the member can be reached on, or null and the most telling reason:
    /// an opt-out (an opted-out response, or a consent given at launch and withdrawn since) before a missing consent
    /// before missing details.
    /// </summary>
    private (string? Channel, string Reason) ChooseChannel(MemberCandidate m)
    {
        var reason = ContactStatus.NoContactDetails;
        foreach (var channel in _step.Channels)
        {
            var (consent, atLaunch, details) = channel switch
            {
                ChannelNames.DirectMail => (m.ConsentMail, m.LaunchConsentMail, ChannelNames.HasPostalAddress(m.AddressLine, m.PostalCode)),
                ChannelNames.OutboundCall => (m.ConsentPhone, m.LaunchConsentPhone, !string.IsNullOrWhiteSpace(m.Phone)),
                ChannelNames.Sms => (m.ConsentSms, m.LaunchConsentSms, !string.IsNullOrWhiteSpace(m.Phone)),
                ChannelNames.Email => (m.ConsentEmail, m.LaunchConsentEmail, !string.IsNullOrWhiteSpace(m.Email)),
                _ => ((bool?)null, (bool?)null, false),
            };
            if (m.OptedOutChannels.Contains(ChannelNames.ResponseChannelOf(channel), StringComparer.Ordinal) || (consent == false && atLaunch == true))
            {
                reason = ContactStatus.OptedOut;
            }
            else if (consent != true)
            {
                reason = reason == ContactStatus.OptedOut ? reason : ContactStatus.NoConsent;
            }
            else if (!details)
            {
                // keeps an earlier opt-out or missing consent as the reason
            }
            else
            {
                return (channel, "");
            }
        }

        return (null, reason);
    }
}
