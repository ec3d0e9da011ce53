using Campaigns.Features.Dispatch;
using Campaigns.Features.External;
using Campaigns.Features.Launch;
using Campaigns.Features.Snapshots;
using MassTransit;
using Platform.Data;
using Platform.ServiceDefaults;

namespace Campaigns;

public static class CampaignsExtensions
{
    /// <summary>Campaigns' registrations: its database, the consumers of other services' events, design, launch and dispatch.</summary>
    public static WebApplicationBuilder AddCampaigns(this WebApplicationBuilder builder)
    {
        builder.AddDatabase(typeof(CampaignsExtensions).Assembly);
        builder.AddMessaging(bus => bus.AddConsumers(typeof(CampaignsExtensions).Assembly)); // every IConsumer in this service
        builder.Services.AddSingleton<SnapshotRequester>();
        builder.Services.AddDispatch(builder.Configuration);
        builder.Services.AddLaunch(builder.Configuration);
        builder.Services.AddExternalCampaigns();
        return builder;
    }
}
