using Demo.Generation;
using MathNet.Numerics.Distributions;

namespace Demo.Simulation;

/// <summary>
/// The world outside the platform during the campaigns: answers each contact the platform sends with the true response,
/// opt-out and purchase behaviour (<see cref="SimulationParameters"/>), and lets every customer go on buying on their own
/// (alive customers at their rate; prospects start with a small organic rate, then repeat as their type does). Pure and
/// seeded: the draws for a customer and a contact depend only on the seed, the customer and the campaign, not on the
/// order contacts arrive in. Events wait in time order until <see cref="TakeDue"/> is asked for those up to "now".
/// Thread-safe (webhook posts arrive concurrently).
/// </summary>
public sealed class ChannelSimulator
{
    private readonly SimulationParameters _parameters;
    private readonly int _seed;
    private readonly double _horizon;
    private readonly PriorityQueue<Pending, (double Day, long Sequence)> _queue = new();
    private readonly Dictionary<(string Campaign, int Customer, bool Prospect), ContactState> _states = [];
    private readonly HashSet<int> _prospectsBuying = [];
    private readonly Lock _gate = new();
    private long _sequence;

    /// <summary>Starts the organic purchases of <paramref name="customerBase"/> from day 0 (the end of history) to <paramref name="horizonDays"/>.</summary>
    public ChannelSimulator(CustomerBase customerBase, SimulationParameters parameters, int seed, double horizonDays)
    {
        ArgumentNullException.ThrowIfNull(customerBase);
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _seed = seed;
        _horizon = horizonDays;
        foreach (var customer in customerBase.Customers.Where(c => c.AliveAtEnd))
        {
            var random = RandomFor(customer, "organic");
            var day = Exponential.Sample(random, customer.PurchasesPerWeek / 7);
            while (day < horizonDays)
            {
                Enqueue(SimulatedEvent.Purchase(customer, CustomerBaseGenerator.Order(random, customer, day, random.NextDouble() < customer.DiscountedShare)));
                day += Exponential.Sample(random, customer.PurchasesPerWeek / 7);
            }
        }

        foreach (var prospect in customerBase.Prospects)
        {
            var random = RandomFor(prospect, "organic");
            var day = Exponential.Sample(random, parameters.OrganicFirstPurchasePerWeek.For(prospect.Type) / 7);
            if (day < horizonDays)
            {
                Enqueue(SimulatedEvent.Purchase(prospect, CustomerBaseGenerator.Order(random, prospect, day, random.NextDouble() < prospect.DiscountedShare)));
            }
        }
    }

    /// <summary>Contacts handled so far.</summary>
    public int Contacts { get; private set; }

    /// <summary>
    /// A contact of <paramref name="customer"/> on <paramref name="channel"/> (the platform's channel name) for
    /// <paramref name="campaignCode"/> on <paramref name="day"/>, with the cell's <paramref name="treatment"/>.
    /// </summary>
    public void OnContact(SyntheticCustomer customer, string campaignCode, Treatment treatment, string channel, string? offerCode, double day)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var random = new Random(StableSeed.Of(_seed, customer.ExternalId, campaignCode, channel));
        var p = _parameters;
        lock (_gate)
        {
            Contacts++;
            var key = (campaignCode, customer.Index, customer.IsProspect);
            var state = _states.GetValueOrDefault(key) ?? new ContactState();
            _states[key] = state;
            var factor = customer.AliveAtEnd ? 1 : p.DroppedOutFactor;
            if (channel == "outbound_call")
            {
                if (random.NextDouble() >= p.CallAnswer)
                {
                    return;
                }

                Enqueue(SimulatedEvent.Response(day + 0.01, customer, campaignCode, "phone", "answered"));
                if (state.Done)
                {
                    return;
                }

                var u = random.NextDouble();
                var respond = factor * p.CallResponse.For(customer.Type);
                if (u < respond)
                {
                    Respond(customer, campaignCode, "phone", CustomerBaseGenerator.Order(random, customer, day + 0.05 + (2 * random.NextDouble()), discounted: false, campaignCode), state);
                }
                else if (u < respond + p.CallOptOut)
                {
                    Enqueue(SimulatedEvent.Response(day + 0.02, customer, campaignCode, "phone", "opted-out"));
                    state.Done = true;
                }

                return;
            }

            // direct mail (retention) or the acquisition mailing with an offer
            Enqueue(SimulatedEvent.Response(day + 1, customer, campaignCode, "mail", "delivered"));
            if (state.Done)
            {
                return;
            }

            var v = random.NextDouble();
            var rate = treatment switch
            {
                Treatment.DiscountMail => p.DiscountConversion.For(customer.Type),
                Treatment.ServiceMail => p.ServiceConversion.For(customer.Type),
                _ => factor * p.MailResponse.For(customer.Type),
            };
            if (v < rate)
            {
                var acquisition = treatment is Treatment.DiscountMail or Treatment.ServiceMail;
                var when = day + 1.5 + ((acquisition ? 5.5 : 3.5) * random.NextDouble());
                var order = CustomerBaseGenerator.Order(random, customer, when, discounted: false, campaignCode, offerCode);
                if (treatment == Treatment.DiscountMail)
                {
                    order = order with { Discount = Math.Min(p.DiscountValue, order.Gross - 0.01m) };
                }

                Respond(customer, campaignCode, "mail", order, state);
            }
            else if (v < rate + p.MailOptOut)
            {
                Enqueue(SimulatedEvent.Response(day + 1.5 + (3.5 * random.NextDouble()), customer, campaignCode, "mail", "opted-out"));
                state.Done = true;
            }
        }
    }

    /// <summary>Takes every event up to <paramref name="day"/>, in time order; a prospect's first order starts their repeat purchases.</summary>
    public IReadOnlyList<SimulatedEvent> TakeDue(double day)
    {
        var due = new List<SimulatedEvent>();
        lock (_gate)
        {
            while (_queue.TryPeek(out var next, out var at) && at.Day <= day)
            {
                _queue.Dequeue();
                var e = next.Event;
                if (e.IsOrder && e.Customer.IsProspect && _prospectsBuying.Add(e.Customer.Index))
                {
                    StartRepeats(e.Customer, e.Day);
                }
                else if (e.IsOrder && e.Customer.IsProspect && e.CampaignCode is null && next.OrganicFirst)
                {
                    continue; // they started buying through a campaign: this organic first order never happens
                }

                due.Add(e);
            }
        }

        return due;
    }

    /// <summary>Events still waiting (after the horizon's day they are never asked for).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    private void Respond(SyntheticCustomer customer, string campaignCode, string channel, SyntheticOrder order, ContactState state)
    {
        Enqueue(SimulatedEvent.Purchase(customer, order));
        Enqueue(SimulatedEvent.Response(order.Day, customer, campaignCode, channel, "converted", order.Net));
        state.Done = true;
    }

    private void StartRepeats(SyntheticCustomer prospect, double firstDay)
    {
        var random = RandomFor(prospect, "repeat");
        var day = firstDay;
        while (random.NextDouble() >= prospect.Dropout)
        {
            day += Exponential.Sample(random, prospect.PurchasesPerWeek / 7);
            if (day >= _horizon)
            {
                return;
            }

            Enqueue(SimulatedEvent.Purchase(prospect, CustomerBaseGenerator.Order(random, prospect, day, random.NextDouble() < prospect.DiscountedShare)), organicFirst: false);
        }
    }

    private void Enqueue(SimulatedEvent e, bool? organicFirst = null) =>
        _queue.Enqueue(new Pending(e, organicFirst ?? (e.IsOrder && e.Customer.IsProspect && e.CampaignCode is null)), (e.Day, _sequence++));

    private Random RandomFor(SyntheticCustomer customer, string purpose) => new(StableSeed.Of(_seed, customer.ExternalId, purpose));

    private sealed record Pending(SimulatedEvent Event, bool OrganicFirst);

    private sealed class ContactState
    {
        /// <summary>Responded or opted out: answers nothing more of this campaign.</summary>
        public bool Done { get; set; }
    }
}
