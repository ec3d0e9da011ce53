using Gateway.Features.Access;
using Gateway.Features.ApiDocument;
using Gateway.Features.Keys;
using Gateway.Features.Marketing;
using Gateway.Features.Proxy;
using Gateway.Features.ResultsPages;
using Platform.ServiceDefaults;

namespace Gateway;

public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(defaultPort: 8080); // OTel, health, problem details
        builder.AddApiKeys();                          // its database: hashed keys with scopes, per-key rate limits
        builder.AddGateway();                          // YARP routes to the services
        builder.AddApiDocument();                      // one OpenAPI document merged from the services'
        builder.AddMarketing();                        // marketer endpoints that combine several services
        var app = builder.Build();
        app.UseRequestIds();                           // X-Request-Id on every answer (the trace id unless the caller gave one)
        app.MapDefaultEndpoints();                     // /health/live, /health/ready
        app.UseApiKeys();                              // 401 / 403 / 429 before anything is forwarded
        app.MapKeysApi();                              // /admin/keys, /sign-in
        app.MapApiDocument();                          // /openapi/v1.json (merged), /docs
        app.MapMarketingApi();                         // /marketing/v1/campaigns[/{id}]
        app.MapResultsPages();                         // /pages/campaigns[/{id}]
        app.MapGatewayProxy();                         // /ingestion/**, /segmentation/**, /campaigns/**, /measurement/** (/{service}/admin/** with the gateway's admin key), balanced over each service's instances
        app.Run();
    }
}
