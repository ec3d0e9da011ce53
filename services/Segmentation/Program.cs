using Platform.ServiceDefaults;
using Segmentation.Features.Profiles;

namespace Segmentation;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8082); // OTel, health, problem details
        builder.AddSegmentation();                     // database, bus, consumers
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.MapProfilesApi();                          // /v1/profiles
        app.Run();
    }
}
