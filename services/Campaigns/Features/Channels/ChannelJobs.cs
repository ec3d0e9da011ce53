using Platform.Data.Jobs;

namespace Campaigns.Features.Channels;

/// <summary>The kinds of job the channel adapters run.</summary>
public static class ChannelJobs
{
    /// <summary>Posts one webhook batch (<c>deliveries</c> row); retried with backoff, parked after its last attempt.</summary>
    public static readonly JobKind<DeliveryJob> Delivery = new("campaigns.webhook-delivery");
}
