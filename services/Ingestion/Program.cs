using Ingestion.Features.Customers;
using Ingestion.Features.Imports;
using Ingestion.Features.Responses;
using Ingestion.Features.Transactions;
using Platform.ServiceDefaults;

namespace Ingestion;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8081); // OTel, health, problem details
        builder.AddIngestion();                        // database, outbox, bus
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.MapCustomersApi();                         // /v1/customers
        app.MapTransactionsApi();                      // /v1/transactions
        app.MapResponsesApi();                         // /v1/responses
        app.MapImportsApi();                           // /v1/imports
        app.Run();
    }
}
