using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.ServiceDefaults;

/// <summary>
/// Inspects and replays the service's <c>_error</c> queues, where MassTransit parks messages whose consumer still
/// failed after the retries. Only this service's own receive endpoints are reachable (names recorded when the bus
/// configured them), never an arbitrary queue.
/// </summary>
public sealed class ErrorQueues(RabbitMqOptions rabbit, ReceiveEndpointNames endpoints) : IAsyncDisposable
{
    // One connection for the service's lifetime (each call opens its own channels): an erasure per message would
    // otherwise open a TCP and AMQP connection each time.
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    private const string ErrorSuffix = "_error";

    /// <summary>Every receive endpoint of this service with the number of messages waiting in its error queue.</summary>
    public async Task<IReadOnlyList<ErrorQueueInfo>> ListAsync(CancellationToken ct)
    {
        var connection = await ConnectAsync(ct);
        var result = new List<ErrorQueueInfo>();
        foreach (var endpoint in endpoints.Names.Order(StringComparer.Ordinal))
        {
            result.Add(new ErrorQueueInfo(endpoint, endpoint + ErrorSuffix, await CountAsync(connection, endpoint + ErrorSuffix, ct)));
        }

        return result;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> parked messages of <paramref name="endpoint"/>, left in place (requeued unchanged
    /// as the channel closes: they are back in the queue a moment after this returns).
    /// </summary>
    public async Task<IReadOnlyList<ParkedMessage>> PeekAsync(string endpoint, int limit, CancellationToken ct)
    {
        EnsureKnown(endpoint);
        var connection = await ConnectAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var messages = new List<ParkedMessage>();
        try
        {
            while (messages.Count < limit && await channel.BasicGetAsync(endpoint + ErrorSuffix, autoAck: false, ct) is { } delivery)
            {
                var headers = delivery.BasicProperties.Headers ?? new Dictionary<string, object?>();
                messages.Add(new ParkedMessage(
                    delivery.BasicProperties.MessageId,
                    Header(headers, "MT-Fault-ExceptionType"),
                    Header(headers, "MT-Fault-Message"),
                    Header(headers, "MT-Fault-Timestamp"),
                    delivery.Body.Length));
            }
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return [];
        }

        // Closing the channel without acking returns every fetched message to the queue.
        return messages;
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> parked messages of <paramref name="endpoint"/> back to its input queue
    /// (each acked from the error queue only after the broker confirmed the republish); returns how many moved.
    /// </summary>
    public async Task<int> ReplayAsync(string endpoint, int max, CancellationToken ct)
    {
        EnsureKnown(endpoint);
        var connection = await ConnectAsync(ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var moved = 0;
        try
        {
            while (moved < max && await channel.BasicGetAsync(endpoint + ErrorSuffix, autoAck: false, ct) is { } delivery)
            {
                var properties = new BasicProperties(delivery.BasicProperties);
                if (properties.Headers is not null)
                {
                    // The fault headers describe the last failure; a replayed message starts afresh.
                    properties.Headers = properties.Headers
                        .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key != "MT-Reason")
                        .ToDictionary(h => h.Key, h => h.Value);
                }

                await channel.BasicPublishAsync(exchange: "", routingKey: endpoint, mandatory: true, basicProperties: properties, body: delivery.Body, cancellationToken: ct);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
                moved++;
            }
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            // no error queue yet: nothing was ever parked
        }

        return moved;
    }

    /// <summary>
    /// Removes a customer's data from every message parked in this service's error queues (erasure reaches copies
    /// there too): a message about that customer alone is dropped; from a batch, only the items (JSON objects in
    /// arrays) whose <c>customerId</c> is the customer are cut, and the rest is parked again. Erasure messages
    /// themselves stay. Each queue is gone through once (the messages there at the start); returns how many
    /// messages were dropped or rewritten.
    /// </summary>
    public async Task<int> EraseCustomerAsync(Guid customerId, CancellationToken ct)
    {
        var id = customerId.ToString("D");
        var changed = 0;
        var connection = await ConnectAsync(ct);
        foreach (var endpoint in endpoints.Names)
        {
            var queue = endpoint + ErrorSuffix;
            var waiting = await CountAsync(connection, queue, ct);
            if (waiting == 0)
            {
                continue;
            }

            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            for (var i = 0u; i < waiting && await channel.BasicGetAsync(queue, autoAck: false, ct) is { } delivery; i++)
            {
                var body = delivery.Body.ToArray();
                if (ParkedMessageEraser.Erase(body, id) is not { } erased)
                {
                    // not about this customer: back to the end of the queue, unchanged
                    await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties(delivery.BasicProperties), body, ct);
                }
                else
                {
                    changed++;
                    if (erased.Length > 0)
                    {
                        await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties(delivery.BasicProperties), erased, ct);
                    }
                }

                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
            }
        }

        return changed;
    }

    private void EnsureKnown(string endpoint)
    {
        if (!endpoints.Names.Contains(endpoint))
        {
            throw new KeyNotFoundException($"'{endpoint}' is not a receive endpoint of this service.");
        }
    }

    /// <summary>Closes the connection, if one was opened.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _connecting.Dispose();
    }

    private async Task<IConnection> ConnectAsync(CancellationToken ct)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _connecting.WaitAsync(ct);
        try
        {
            if (_connection is { IsOpen: true } opened)
            {
                return opened;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }

            _connection = await CreateConnectionAsync(ct);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<IConnection> CreateConnectionAsync(CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            ClientProvidedName = "error-queues",
        };
        return await factory.CreateConnectionAsync(ct);
    }

    private static async Task<uint> CountAsync(IConnection connection, string queue, CancellationToken ct)
    {
        // A passive declare that fails closes its channel, so each check gets its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    private static string? Header(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => value.ToString(),
        } : null;
}

/// <summary>A receive endpoint and the number of messages parked in its error queue.</summary>
public sealed record ErrorQueueInfo(string Endpoint, string ErrorQueue, uint Messages);

/// <summary>What is known about a parked message without exposing its body (it may hold personal data).</summary>
public sealed record ParkedMessage(string? MessageId, string? ExceptionType, string? Error, string? FailedAt, int BodyBytes);

/// <summary>Names of the receive endpoints (queues) this service's bus configured.</summary>
public sealed class ReceiveEndpointNames
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The names recorded so far.</summary>
    public IReadOnlyCollection<string> Names
    {
        get
        {
            lock (_gate)
            {
                return _names.ToArray();
            }
        }
    }

    internal void Add(string name)
    {
        lock (_gate)
        {
            _names.Add(name);
        }
    }
}
