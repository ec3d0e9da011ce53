using Ingestion.Features.Customers;
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
        app.Run();
    }
}
