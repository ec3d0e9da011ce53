using Ingestion.Features.Customers;
using Ingestion.Features.Imports;
using Ingestion.Features.Responses;
using Ingestion.Features.Transactions;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Ingestion;

public static class IngestionExtensions
{
    /// <summary>Ingestion's own registrations: its database (customers, outbox) and the bus (it consumes nothing yet).</summary>
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.AddDatabase(typeof(IngestionExtensions).Assembly);
        builder.AddMessaging();
        builder.Services.AddCustomers();
        builder.Services.AddTransactions();
        builder.Services.AddResponses();
        builder.Services.AddImports(builder.Configuration);
        return builder;
    }
}
