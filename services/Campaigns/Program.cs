using Platform.ServiceDefaults;

namespace Campaigns;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8083); // OTel, health, problem details
        builder.AddCampaigns();                        // database, bus, consumers, jobs
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.Run();
    }
}
