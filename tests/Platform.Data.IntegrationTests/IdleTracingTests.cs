using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;

namespace Platform.Data.IntegrationTests;

/// <summary>Background polls that find nothing leave no trace spans; a request's database commands still do.</summary>
public sealed class IdleTracingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _commands = new();
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;
    private ActivityListener _listener = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(IdleTracingTests));
        _vhost = await TestVirtualHost.CreateAsync(nameof(IdleTracingTests));
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                // Other test classes run in the same process: keep only the commands on this test's database.
                if (a.DisplayName.Contains(_database.Name, StringComparison.Ordinal)
                    || a.TagObjects.Any(t => t.Value is string v && v == _database.Name))
                {
                    _commands.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task IdleService_TracesNoDatabaseCommand_WhileARequestStillDoes()
    {
        await using var host = await MessagingHost.StartAsync(_database, _vhost);
        var relay = host.Services.GetRequiredService<OutboxRelay>();
        await Eventually.TrueAsync(() => Task.FromResult(relay.EmptyRounds >= 2), "the relay's first idle rounds");
        _commands.Clear();

        // Positive marker: the relay polled (and refreshed its gauges) several more times, all while idle.
        var from = relay.EmptyRounds;
        await Eventually.TrueAsync(() => Task.FromResult(relay.EmptyRounds >= from + 3), "three more idle rounds");
        Assert.Empty(_commands);

        (await host.Client.GetAsync("/admin/outbox/parked")).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => Task.FromResult(!_commands.IsEmpty), "the request's database command traced");
    }
}
