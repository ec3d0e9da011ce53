using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Data.Jobs;

/// <summary>Registers job handlers and periodic jobs (the scheduler itself comes with <see cref="DatabaseExtensions.AddDatabase"/>).</summary>
public static class JobExtensions
{
    /// <summary>
    /// Runs jobs of <paramref name="kind"/> in this process with <typeparamref name="THandler"/> (resolved from a scope
    /// per run); <paramref name="configure"/> sets concurrency, attempts and backoff.
    /// </summary>
    public static IServiceCollection AddJob<TPayload, THandler>(this IServiceCollection services, JobKind<TPayload> kind, Action<JobKindOptions>? configure = null)
        where THandler : class, IJobHandler<TPayload>
    {
        ArgumentNullException.ThrowIfNull(kind);
        var options = new JobKindOptions();
        configure?.Invoke(options);
        if (options.Concurrency < 1 || options.MaxAttempts < 1)
        {
            throw new ArgumentException($"Job kind '{kind.Name}': concurrency and attempts must be at least 1.", nameof(configure));
        }

        services.TryAddScoped<THandler>();
        services.AddSingleton(new JobRegistration(kind.Name, options, async (provider, json, job, ct) =>
        {
            TPayload payload;
            try
            {
                payload = JsonSerializer.Deserialize<TPayload>(json, JobStore.Json) ?? throw new JsonException("the payload is null");
            }
            catch (JsonException e)
            {
                throw new JobFailedException($"the payload cannot be read as {typeof(TPayload).Name}", e);
            }

            await provider.GetRequiredService<THandler>().RunAsync(payload, job, ct);
        }));
        return services;
    }

    /// <summary>
    /// Enqueues a job of <paramref name="kind"/> with <paramref name="payload"/> for every due time of the schedule that
    /// <paramref name="schedule"/> returns at start (null: off). The latest due time at or before now is enqueued, so a
    /// service that starts after a due time catches up once; every replica enqueues it and the unique key keeps one.
    /// The kind needs a handler (<see cref="AddJob{TPayload, THandler}"/>).
    /// </summary>
    public static IServiceCollection AddPeriodicJob<TPayload>(this IServiceCollection services, JobKind<TPayload> kind, TPayload payload, Func<IServiceProvider, JobSchedule?> schedule)
    {
        ArgumentNullException.ThrowIfNull(kind);
        services.AddSingleton(new PeriodicJobRegistration(kind.Name, JsonSerializer.Serialize(payload, JobStore.Json), schedule));
        return services;
    }

    /// <summary>The scheduler, its queue and signal; called by <see cref="DatabaseExtensions.AddDatabase"/>.</summary>
    internal static IServiceCollection AddJobScheduler(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<JobSchedulerOptions>().Bind(configuration.GetSection("Jobs"));
        services.AddSingleton<JobSignal>();
        services.AddSingleton(provider => new JobStore(
            provider.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            provider.GetRequiredService<JobSignal>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetServices<JobRegistration>()));
        services.AddSingleton(provider => new JobScheduler(
            provider.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            provider.GetRequiredService<JobSignal>(),
            provider.GetRequiredService<JobStore>(),
            provider,
            provider.GetServices<JobRegistration>(),
            provider.GetServices<PeriodicJobRegistration>(),
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobSchedulerOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<JobScheduler>>()));
        services.AddHostedService(provider => provider.GetRequiredService<JobScheduler>());
        return services;
    }
}
