using Campaigns.Features.Channels;
using Campaigns.Features.Customers;
using Platform.Data.Jobs;

namespace Campaigns.Features.Dispatch;

/// <summary>Registers dispatch: the launch listener, step, holdout and completion jobs, channel adapters and webhook deliveries.</summary>
public static class DispatchExtensions
{
    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Dispatch").Get<DispatchOptions>() ?? new DispatchOptions();
        var webhook = configuration.GetSection("Channels:Webhook").Get<JobKindOptions>() ?? new JobKindOptions { MaxAttempts = 8, RetryDelay = TimeSpan.FromSeconds(10) };
        services.AddOptions<DispatchOptions>().Bind(configuration.GetSection("Dispatch"))
            .Validate(o => o.ChunkSize is >= 1 and <= 10_000, "Dispatch:ChunkSize must be from 1 to 10000").ValidateOnStart();
        services.AddSingleton<ICampaignLaunchListener, DispatchPlanner>();
        services.AddSingleton<ICustomerErasureStep, ContactsErasureStep>();
        services.AddSingleton<CampaignCompletion>();
        services.AddSingleton<DeliveryBatches>();
        services.AddJob<StepJob, StepJobHandler>(DispatchJobs.Step, o => { o.Concurrency = 2; o.MaxAttempts = 10; o.RetryDelay = options.RetryDelay; });
        services.AddJob<HoldoutJob, HoldoutJobHandler>(DispatchJobs.Holdout, o => { o.MaxAttempts = 10; o.RetryDelay = options.RetryDelay; });
        services.AddJob<CompletionJob, CompletionJobHandler>(DispatchJobs.Completion, o => o.RetryDelay = options.RetryDelay);
        services.AddJob<DeliveryJob, DeliveryJobHandler>(ChannelJobs.Delivery, o =>
        {
            o.Concurrency = 4;
            o.MaxAttempts = webhook.MaxAttempts;
            o.RetryDelay = webhook.RetryDelay;
            o.MaxRetryDelay = webhook.MaxRetryDelay;
        });
        services.AddHttpClient(DeliveryJobHandler.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }
}
