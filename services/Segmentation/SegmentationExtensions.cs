using MassTransit;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Segmentation;

public static class SegmentationExtensions
{
    /// <summary>Segmentation's registrations: its database (profiles) and the consumers of ingestion events.</summary>
    public static WebApplicationBuilder AddSegmentation(this WebApplicationBuilder builder)
    {
        builder.AddDatabase(typeof(SegmentationExtensions).Assembly);
        builder.AddMessaging(bus => bus.AddConsumers(typeof(SegmentationExtensions).Assembly)); // every IConsumer in this service
        return builder;
    }
}
