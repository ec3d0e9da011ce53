using MassTransit;
using Platform.Data;
using Platform.ServiceDefaults;
using Segmentation.Features.Scoring;
using Segmentation.Features.Segments;

namespace Segmentation;

public static class SegmentationExtensions
{
    /// <summary>Segmentation's registrations: its database, the consumers of ingestion events, scoring and segments.</summary>
    public static WebApplicationBuilder AddSegmentation(this WebApplicationBuilder builder)
    {
        builder.AddDatabase(typeof(SegmentationExtensions).Assembly);
        builder.AddMessaging(bus => bus.AddConsumers(typeof(SegmentationExtensions).Assembly)); // every IConsumer in this service
        builder.Services.AddScoring(builder.Configuration);
        builder.Services.AddSegments();
        return builder;
    }
}
