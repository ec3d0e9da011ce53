using MassTransit;

namespace Platform.ServiceDefaults;

/// <summary>
/// Dead-letters what the broker gives up on (a message over the quorum queue's delivery limit, e.g. one whose consumer
/// keeps crashing before it can ack) into the endpoint's <c>_error</c> queue, where MassTransit parks messages that
/// failed, instead of dropping it: the queue gets <c>x-dead-letter-exchange = &lt;queue&gt;_error</c>, and that exchange and
/// queue are declared with the endpoint, before its consumer starts (MassTransit itself declares them only at the
/// first fault, and a dead-letter exchange that does not exist drops the message).
/// </summary>
public static class ErrorDeadLetter
{
    /// <summary>Suffix MassTransit gives an endpoint's error exchange and queue.</summary>
    public const string ErrorSuffix = "_error";

    /// <summary>Configures <paramref name="endpoint"/> (the receive endpoint of queue <paramref name="queueName"/>).</summary>
    public static void Configure(IRabbitMqReceiveEndpointConfigurator endpoint, string queueName)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var error = queueName + ErrorSuffix;
        // Declared exactly as MassTransit declares its error transport (RabbitMqErrorSettings): a durable fanout exchange
        // and a durable queue of the same name, bound, whose arguments are a copy of the input queue's, i.e. quorum and
        // this same dead-letter exchange. Any other arguments and the later declaration at the first fault would fail
        // with PRECONDITION_FAILED (inequivalent arg).
        endpoint.BindDeadLetterQueue(error, error, q =>
        {
            q.SetQueueArgument("x-queue-type", "quorum");
            q.SetQueueArgument("x-dead-letter-exchange", error);
        });
    }
}
