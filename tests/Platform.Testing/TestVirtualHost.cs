using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Platform.Testing;

/// <summary>A fresh RabbitMQ virtual host for one test class (created through the management API), deleted when disposed.</summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    private static readonly HttpClient Management = CreateClient();

    private TestVirtualHost(string name) => Name = name;

    public string Name { get; }

    public static async Task<TestVirtualHost> CreateAsync(string purpose)
    {
        var name = $"t-{purpose.ToLowerInvariant()}-{Guid.NewGuid():N}";
        var vhost = Uri.EscapeDataString(name);
        (await Management.PutAsJsonAsync($"api/vhosts/{vhost}", new { description = "test " + purpose })).EnsureSuccessStatusCode();
        (await Management.PutAsJsonAsync($"api/permissions/{vhost}/{Uri.EscapeDataString(TestServers.RabbitUser)}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        // Same delivery limit policy as deploy/infra.sh gives the platform vhost.
        (await Management.PutAsJsonAsync($"api/policies/{vhost}/quorum-delivery-limit", new
        {
            pattern = ".*",
            definition = new Dictionary<string, object> { ["delivery-limit"] = 20 },
            priority = 0,
            apply_to = "queues", // RabbitMQ 3.10 has no "quorum_queues" target; classic queues ignore delivery-limit
        })).EnsureSuccessStatusCode();
        return new TestVirtualHost(name);
    }

    /// <summary>
    /// Lowers the quorum queues' delivery limit of this vhost (a policy above the default one); applies to queues
    /// declared afterwards and, policies being live, to existing ones.
    /// </summary>
    public async Task SetDeliveryLimitAsync(int limit)
    {
        (await Management.PutAsJsonAsync($"api/policies/{Uri.EscapeDataString(Name)}/test-delivery-limit", new
        {
            pattern = ".*",
            definition = new Dictionary<string, object> { ["delivery-limit"] = limit },
            priority = 1,
            apply_to = "queues",
        })).EnsureSuccessStatusCode();
    }

    /// <summary>Declares an exchange of <paramref name="type"/> (e.g. one MassTransit will then fail to declare as fanout).</summary>
    public async Task DeclareExchangeAsync(string exchange, string type)
    {
        (await Management.PutAsJsonAsync($"api/exchanges/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(exchange)}", new { type, durable = true })).EnsureSuccessStatusCode();
    }

    /// <summary>Deletes an exchange.</summary>
    public async Task DeleteExchangeAsync(string exchange)
    {
        using var response = await Management.DeleteAsync($"api/exchanges/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(exchange)}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Number of messages ready in a queue of this vhost (0 when the queue does not exist).</summary>
    public async Task<int> MessagesReadyAsync(string queue)
    {
        using var response = await Management.GetAsync($"api/queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        var info = await response.Content.ReadFromJsonAsync<QueueInfo>();
        return info?.messages_ready ?? 0;
    }

    /// <summary>Whether a queue exists in this vhost.</summary>
    public async Task<bool> QueueExistsAsync(string queue)
    {
        using var response = await Management.GetAsync($"api/queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// Declares a classic queue bound to a fanout exchange of this vhost (declaring it as MassTransit would, e.g.
    /// <c>Platform.Contracts.Segmentation:SegmentSnapshotCreated</c>), so a test sees what a service publishes there.
    /// </summary>
    public async Task ListenAsync(string exchange, string queue)
    {
        var vhost = Uri.EscapeDataString(Name);
        (await Management.PutAsJsonAsync($"api/exchanges/{vhost}/{Uri.EscapeDataString(exchange)}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await Management.PutAsJsonAsync($"api/queues/{vhost}/{Uri.EscapeDataString(queue)}", new { durable = true })).EnsureSuccessStatusCode();
        (await Management.PostAsJsonAsync($"api/bindings/{vhost}/e/{Uri.EscapeDataString(exchange)}/q/{Uri.EscapeDataString(queue)}", new { routing_key = "" })).EnsureSuccessStatusCode();
    }

    /// <summary>Takes up to <paramref name="count"/> messages off a queue (acknowledged) and returns their bodies.</summary>
    public Task<IReadOnlyList<string>> TakeAsync(string queue, int count) => GetAsync(queue, count, "ack_requeue_false");

    /// <summary>Reads up to <paramref name="count"/> messages of a queue and leaves them there.</summary>
    public Task<IReadOnlyList<string>> PeekAsync(string queue, int count) => GetAsync(queue, count, "ack_requeue_true");

    /// <summary>
    /// Publishes <paramref name="bodies"/> to a queue, declaring it first as a durable quorum queue (as the services'
    /// queues are) unless it exists (a service's queue keeps the arguments the service declared it with).
    /// </summary>
    public async Task PublishToQueueAsync(string queue, params string[] bodies)
    {
        var vhost = Uri.EscapeDataString(Name);
        if (!await QueueExistsAsync(queue))
        {
            (await Management.PutAsJsonAsync($"api/queues/{vhost}/{Uri.EscapeDataString(queue)}",
                new { durable = true, arguments = new Dictionary<string, object> { ["x-queue-type"] = "quorum" } })).EnsureSuccessStatusCode();
        }

        foreach (var body in bodies)
        {
            (await Management.PostAsJsonAsync($"api/exchanges/{vhost}/amq.default/publish",
                new { routing_key = queue, payload = body, payload_encoding = "string", properties = new Dictionary<string, object>() })).EnsureSuccessStatusCode();
        }
    }

    private async Task<IReadOnlyList<string>> GetAsync(string queue, int count, string ackmode)
    {
        using var response = await Management.PostAsJsonAsync($"api/queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode, encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<List<QueuedMessage>>() ?? [];
        return messages.Select(m => m.payload).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        using var _ = await Management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(Name)}");
    }

    private static HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{TestServers.RabbitHost}:{TestServers.RabbitManagementPort}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestServers.RabbitUser}:{TestServers.RabbitPassword}")));
        return client;
    }

#pragma warning disable IDE1006, CA1707 // names as the management API spells them
    private sealed record QueueInfo(int messages_ready);

    private sealed record QueuedMessage(string payload);
#pragma warning restore IDE1006, CA1707
}
