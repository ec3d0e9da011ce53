using Platform.ServiceDefaults;
using Segmentation.Features.Models;
using Segmentation.Features.Profiles;
using Segmentation.Features.Scoring;
using Segmentation.Features.Segments;

namespace Segmentation;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8082); // OTel, health, problem details
        builder.AddSegmentation();                     // database, bus, consumers, scoring jobs
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.MapProfilesApi();                          // /v1/profiles
        app.MapScoresApi();                            // /v1/scores (settings, runs), /v1/clv/economics
        app.MapModelsApi();                            // /v1/models/fits
        app.MapSegmentsApi();                          // /v1/segments (fields, preview, report, snapshots), /v1/snapshots
        app.Run();
    }
}
