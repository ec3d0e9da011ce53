using Platform.Testing;

namespace Measurement.IntegrationTests.Results;

/// <summary>
/// Measurement at the generated fixture's "now", holding the generated acquisition campaign with all its rows, and the
/// same statistics under a retention campaign; the test classes add their own campaigns beside them.
/// </summary>
public sealed class ResultsHostFixture : IAsyncLifetime
{
    public static readonly Guid Acquisition = Guid.Parse("0190a5b4-0000-7000-8000-00000000a001");
    public static readonly Guid Retention = Guid.Parse("0190a5b4-0000-7000-8000-00000000a002");

    public MeasurementTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await MeasurementTestHost.StartAsync("results", clock: new ManualClock(ResultsFixture.Now));
        await ResultsFixtureLoader.InsertGeneratedAsync(Host.Host, Acquisition, "ACQ-1");
        await ResultsFixtureLoader.InsertGeneratedAsync(Host.Host, Retention, "RET-1", "retention", withMembers: false);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
