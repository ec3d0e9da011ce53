using Platform.Data;
using Platform.ServiceDefaults;
using Segmentation.Features.Profiles;

namespace Segmentation;

public static class SegmentationExtensions
{
    /// <summary>Segmentation's registrations: its database (profiles) and the consumers of ingestion events.</summary>
    public static WebApplicationBuilder AddSegmentation(this WebApplicationBuilder builder)
    {
        builder.AddDatabase(typeof(SegmentationExtensions).Assembly);
        builder.AddMessaging(bus => bus.AddConsumer<CustomersUpsertedConsumer>());
        return builder;
    }
}
