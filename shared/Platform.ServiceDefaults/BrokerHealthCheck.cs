using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.ServiceDefaults;

/// <summary>
/// Ready only while the broker accepts connections. MassTransit's own bus check stays "Ready" in a service that only
/// publishes (no receive endpoint notices the connection is gone), so readiness also opens a TCP connection to the
/// configured broker address.
/// </summary>
internal sealed class BrokerHealthCheck(RabbitMqOptions rabbit) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(rabbit.Host, rabbit.Port, timeout.Token);
            return HealthCheckResult.Healthy($"{rabbit.Host}:{rabbit.Port} reachable");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"broker {rabbit.Host}:{rabbit.Port} unreachable", e);
        }
    }
}
