using Platform.Data;
using Platform.ServiceDefaults;

namespace Campaigns;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8083); // OTel, health, problem details
        builder.AddDatabase(typeof(Program).Assembly); // its own database: migrations, outbox, inbox
        builder.AddMessaging();                        // bus; consumers arrive with the Campaigns issue
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.Run();
    }
}
