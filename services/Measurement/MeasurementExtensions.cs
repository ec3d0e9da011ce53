using MassTransit;
using Measurement.Features.Results;
using Platform.Data;
using Platform.Data.Partitions;
using Platform.ServiceDefaults;

namespace Measurement;

public static class MeasurementExtensions
{
    /// <summary>Measurement's registrations: its database, the consumers of campaign, ingestion and score events, results.</summary>
    public static WebApplicationBuilder AddMeasurement(this WebApplicationBuilder builder)
    {
        builder.AddDatabase(typeof(MeasurementExtensions).Assembly);
        builder.AddMessaging(bus => bus.AddConsumers(typeof(MeasurementExtensions).Assembly)); // every IConsumer in this service
        builder.Services.AddResults();                                                          // results read from the statistics
        builder.Services.AddMonthlyPartitions("measurement.purchase-partitions", "purchases");  // keeps the months ahead (migration 0006)
        return builder;
    }
}
