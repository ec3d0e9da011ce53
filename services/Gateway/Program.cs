using Platform.ServiceDefaults;

namespace Gateway;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8080); // OTel, health, problem details
        builder.AddGateway();                          // YARP routes to the services
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.MapReverseProxy(proxy => proxy.UseBlockedPaths()); // /ingestion/**, /segmentation/**, /campaigns/**, /measurement/**
        app.Run();
    }
}
