using MassTransit;
using Platform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults;

/// <summary>MassTransit on RabbitMQ, the same way in every service, plus the outbox relay.</summary>
public static class MessagingExtensions
{
    // About 40 hours at the capped interval: no practical limit. Not int.MaxValue: MassTransit's exponential policy
    // computes its intervals into an array up front.
    private const int OutageRetryLimit = 10_000;

    /// <summary>
    /// Connects to RabbitMQ (section <c>RabbitMq</c>) with publisher confirms; receive endpoints are quorum queues named
    /// in kebab case and prefixed by the service (<c>segmentation-customer-upserted</c>), with a bounded in-process
    /// retry and MassTransit's <c>_error</c> queue for messages that still fail. An outage of the database or broker
    /// (<see cref="TransientFailures"/>) does not count against that retry: the message waits and is retried until the
    /// outage ends (intervals from section <c>Messaging:OutageRetry</c>, <see cref="OutageRetryOptions"/>). Messages over the broker's delivery limit are dead-lettered into the same <c>_error</c> queue.
    /// Starts the outbox relay.
    /// Call after <c>AddDatabase</c>, so migrations run before consumers start.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var rabbit = builder.Configuration.GetSection("RabbitMq").Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        if (string.IsNullOrWhiteSpace(rabbit.Host))
        {
            throw new InvalidOperationException("No broker configured: set RabbitMq__Host, RabbitMq__Port, RabbitMq__VirtualHost, RabbitMq__Username and RabbitMq__Password in the environment.");
        }

        var outageRetry = builder.Configuration.GetSection("Messaging:OutageRetry").Get<OutageRetryOptions>() ?? new OutageRetryOptions();
        if (outageRetry.Min <= TimeSpan.Zero || outageRetry.Max < outageRetry.Min)
        {
            throw new InvalidOperationException("Messaging:OutageRetry needs 0 < Min <= Max.");
        }

        var servicePrefix = builder.Environment.ApplicationName.ToLowerInvariant();
        var endpointNames = new ReceiveEndpointNames();
        builder.Services.AddMassTransit(x =>
        {
            // MassTransit 8.4+ reports the bus's configuration to its vendor over the internet unless told not to: our
            // services talk to their broker and database only (and a shop's network may not reach out at all).
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(servicePrefix, false));
            x.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                endpointNames.Add(name);
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                {
                    // Delivery limit comes from the broker policy (deploy/infra.sh); RabbitMQ 3.10 sets none by default.
                    rabbitEndpoint.SetQuorumQueue();
                    ErrorDeadLetter.Configure(rabbitEndpoint, name);
                }

                // Outer layer, outages only (database or broker unreachable): the message waits in place, retried with
                // capped backoff and no practical limit, so consumption pauses while the outage lasts and resumes by
                // itself. Such a message is not at fault and must not be parked.
                endpoint.UseMessageRetry(r =>
                {
                    r.Handle<Exception>(TransientFailures.IsTransient);
                    r.Exponential(OutageRetryLimit, outageRetry.Min, outageRetry.Max, outageRetry.Min);
                });

                // Inner layer, everything else (a fault of the message or the code): bounded, then the message goes to
                // the endpoint's _error queue. Outages pass through it untouched to the layer above.
                endpoint.UseMessageRetry(r =>
                {
                    r.Ignore<Exception>(TransientFailures.IsTransient);
                    r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));
                });
            });
            configureConsumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    h.PublisherConfirmation = true;
                });
                cfg.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddSingleton(rabbit);
        builder.Services.AddSingleton(endpointNames);
        builder.Services.AddSingleton<ErrorQueues>();
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: ["ready"]);
        builder.Services.AddSingleton<OutboxRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return builder;
    }
}
