using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Benchmarks;

/// <summary>
/// Waits until no queue of a vhost holds messages, so a measurement does not share the cores with
/// consumers still working off an earlier run (e.g. Segmentation after a million-row import).
/// </summary>
internal static class BrokerIdle
{
    public static async Task WaitAsync(string virtualHost, TimeSpan timeout)
    {
        static string Env(string name) => Environment.GetEnvironmentVariable(name) ?? "";
        using var client = new HttpClient { BaseAddress = new Uri($"http://{Env("PLATFORM_RABBIT_HOST")}:{Env("PLATFORM_RABBIT_MGMT_PORT")}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Env("PLATFORM_RABBIT_USER")}:{Env("PLATFORM_RABBIT_PASSWORD")}")));
        var deadline = DateTime.UtcNow + timeout;
        var announced = false;
        while (DateTime.UtcNow < deadline)
        {
            var queues = await client.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(virtualHost)}");
            var waiting = queues.EnumerateArray()
                .Where(q => !q.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
                .Sum(q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
            if (waiting == 0)
            {
                return;
            }

            if (!announced)
            {
                Console.WriteLine($"[bench] waiting for the consumers to work off {waiting:N0} queued messages before measuring");
                announced = true;
            }

            await Task.Delay(2000);
        }

        Console.WriteLine("[bench] warning: queues still not empty; measuring anyway");
    }
}
