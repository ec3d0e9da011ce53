using Campaigns.Features.Channels;
using Campaigns.Features.Design;
using Campaigns.Features.Dispatch;
using Campaigns.Features.External;
using Campaigns.Features.Launch;
using Campaigns.Features.Policy;
using Campaigns.Features.Preview;
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
        app.MapCampaignsApi();                         // design: /v1/campaigns
        app.MapPreviewApi();                           // plan preview: /v1/campaigns/{id}/preview
        app.MapContactPolicyApi();                     // contact policy, global control share
        app.MapDispatchApi();                          // cancel, contacts ledger, blocks
        app.MapChannelsApi();                          // channel adapters, webhook deliveries, export files
        app.MapLaunchApi();                            // launch: /v1/campaigns/{id}/launch
        app.MapExternalCampaignsApi();                 // /v1/campaigns/{id}/assignments|contacts of campaigns run elsewhere
        app.Run();
    }
}
