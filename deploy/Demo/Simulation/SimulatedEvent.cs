using Demo.Generation;

namespace Demo.Simulation;

/// <summary>
/// Something a channel or the shop reports at <see cref="Day"/> (days after the end of history): a response of a
/// customer to a campaign (<see cref="ResponseType"/> set) or an order (<see cref="Order"/> set).
/// </summary>
public sealed record SimulatedEvent(double Day, SyntheticCustomer Customer, string? CampaignCode, string? Channel, string? ResponseType, SyntheticOrder? Order)
{
    /// <summary>A response.</summary>
    public static SimulatedEvent Response(double day, SyntheticCustomer customer, string campaignCode, string channel, string type, decimal? value = null) =>
        new(day, customer, campaignCode, channel, type, value is null ? null : new SyntheticOrder(day, value.Value, 0, null));

    /// <summary>An order.</summary>
    public static SimulatedEvent Purchase(SyntheticCustomer customer, SyntheticOrder order) => new(order.Day, customer, order.CampaignCode, null, null, order);

    /// <summary>True for an order, false for a response.</summary>
    public bool IsOrder => ResponseType is null;
}
