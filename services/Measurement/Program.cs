using Measurement.Features.Calculator;
using Measurement.Features.Facts;
using Measurement.Features.Results;
using Platform.ServiceDefaults;

namespace Measurement;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8084); // OTel, health, problem details
        builder.AddMeasurement();                      // database, bus, consumers (attribution)
        var app = builder.Build();
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.MapCalculatorApi();                        // /v1/stats: the stateless statistics calculator
        app.MapResultsApi();                           // campaign, side-by-side and global-control results
        app.MapFactsApi();                             // /v1/facts/counts: what has been recorded (a watermark for readers)
        app.Run();
    }
}
