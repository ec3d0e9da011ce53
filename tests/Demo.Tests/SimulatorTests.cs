using Demo.Generation;
using Demo.Simulation;

namespace Demo.Tests;

/// <summary>
/// The channel simulator answers with the rates the ground truth documents: over many members, what it does under each
/// treatment averages to <see cref="GroundTruth"/>'s expectation, and its draws do not depend on the order contacts arrive in.
/// </summary>
public sealed class SimulatorTests
{
    private const string Code = "TEST";
    private static readonly SimulationParameters Simulation = SimulationParameters.Default;
    private static readonly CustomerBase Base = CustomerBaseGenerator.Generate(GeneratorParameters.Default with { Customers = 30_000, Prospects = 30_000, Seed = 7 });

    [Theory]
    [InlineData(Treatment.Mail)]
    [InlineData(Treatment.Call)]
    [InlineData(Treatment.MailThenCall)]
    [InlineData(Treatment.Control)]
    public void Retention_ResponseAndConversion_AverageToTheTruth(Treatment treatment)
    {
        var members = Base.Customers;
        var events = Run(members, treatment);
        var truth = GroundTruth.Average(members, treatment, Simulation);

        var responders = events.Where(e => e.ResponseType == "converted").Select(e => e.Customer.Index).ToHashSet();
        AssertRate(truth.ResponseRate, responders.Count, members.Count, "response");
        var converters = events.Where(e => e.IsOrder && e.Day < Simulation.ResponseWindowDays).Select(e => e.Customer.Index).ToHashSet();
        AssertRate(truth.ConversionRate, converters.Count, members.Count, "conversion");
        var revenue = events.Where(e => e.IsOrder && e.Day < Simulation.ResponseWindowDays).Sum(e => (double)e.Order!.Net) / members.Count;
        Assert.InRange(revenue, truth.RevenuePerCustomer!.Value * 0.95, truth.RevenuePerCustomer!.Value * 1.05);
    }

    [Theory]
    [InlineData(Treatment.DiscountMail)]
    [InlineData(Treatment.ServiceMail)]
    [InlineData(Treatment.Control)]
    public void Acquisition_ConversionDealSeekerShareAndRepeat_AverageToTheTruth(Treatment treatment)
    {
        var members = Base.Prospects;
        var events = Run(members, treatment);
        var truth = GroundTruth.Average(members, treatment, Simulation);

        var firstOrders = events.Where(e => e.IsOrder).GroupBy(e => e.Customer.Index).Select(g => g.OrderBy(e => e.Day).ToList()).ToList();
        var acquired = firstOrders.Where(o => o[0].Day < Simulation.ResponseWindowDays).ToList();
        AssertRate(truth.ConversionRate, acquired.Count, members.Count, "conversion");
        AssertRate(truth.AcquiredDealSeekerShare!.Value, acquired.Count(o => o[0].Customer.Type == CustomerType.DealSeeker), acquired.Count, "deal seekers among the acquired");
        var repeaters = acquired.Count(o => o.Count > 1 && o[1].Day - o[0].Day <= 30);
        AssertRate(truth.AcquiredRepeat30!.Value, repeaters, acquired.Count, "repeat within 30 days");
    }

    [Fact]
    public void DealSeekers_TakeTheDiscount_AndRepeatLess()
    {
        var discount = GroundTruth.Average(Base.Prospects, Treatment.DiscountMail, Simulation);
        var service = GroundTruth.Average(Base.Prospects, Treatment.ServiceMail, Simulation);
        Assert.True(discount.AcquiredDealSeekerShare > service.AcquiredDealSeekerShare);
        Assert.True(discount.AcquiredRepeat30 < service.AcquiredRepeat30);
        Assert.True(discount.ConversionRate > service.ConversionRate);
    }

    [Fact]
    public void Draws_DoNotDependOnTheOrderContactsArriveIn()
    {
        var members = Base.Customers.Take(2_000).ToList();
        var forward = Run(members, Treatment.Mail);
        var backward = Run(Enumerable.Reverse(members).ToList(), Treatment.Mail);
        Assert.Equal(Describe(forward), Describe(backward));
    }

    /// <summary>Contacts every member as the platform would for <paramref name="treatment"/> and returns what happens up to day 72.</summary>
    private static List<SimulatedEvent> Run(IReadOnlyList<SyntheticCustomer> members, Treatment treatment)
    {
        var memberIndexes = members.Select(m => (m.IsProspect, m.Index)).ToHashSet();
        var simulator = new ChannelSimulator(Base, Simulation, seed: 11, horizonDays: 73);
        var events = new List<SimulatedEvent>();
        if (treatment is Treatment.Mail or Treatment.MailThenCall or Treatment.DiscountMail or Treatment.ServiceMail)
        {
            foreach (var m in members.Where(m => m.Mailable))
            {
                simulator.OnContact(m, Code, treatment, "direct_mail", treatment == Treatment.DiscountMail ? "DISC10" : null, 0);
            }
        }
        else if (treatment == Treatment.Call)
        {
            foreach (var m in members.Where(m => m.Callable))
            {
                simulator.OnContact(m, Code, treatment, "outbound_call", null, 0);
            }
        }

        events.AddRange(simulator.TakeDue(7));
        if (treatment == Treatment.MailThenCall)
        {
            // Campaigns' no_response_yet: called unless a response (converted) was recorded by day 7.
            var responded = events.Where(e => e.ResponseType == "converted").Select(e => e.Customer.Index).ToHashSet();
            foreach (var m in members.Where(m => m.Callable && !responded.Contains(m.Index)))
            {
                simulator.OnContact(m, Code, treatment, "outbound_call", null, 7);
            }
        }

        events.AddRange(simulator.TakeDue(72));
        return events.Where(e => memberIndexes.Contains((e.Customer.IsProspect, e.Customer.Index))).ToList();
    }

    private static void AssertRate(double expected, int count, int of, string what)
    {
        var se = Math.Sqrt(Math.Max(expected * (1 - expected), 1e-6) / of);
        var rate = (double)count / of;
        Assert.True(Math.Abs(rate - expected) < (4 * se) + 1e-9, $"{what}: {rate:0.00000} vs truth {expected:0.00000} (4 SE = {4 * se:0.00000})");
    }

    private static string Describe(IEnumerable<SimulatedEvent> events) =>
        string.Join('\n', events.Select(e => $"{e.Day:R} {e.Customer.ExternalId} {e.ResponseType} {e.Order?.Gross}").Order(StringComparer.Ordinal));
}
