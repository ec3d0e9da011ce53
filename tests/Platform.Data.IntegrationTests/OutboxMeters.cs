using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Data.IntegrationTests;

/// <summary>
/// Reads the outbox instruments: the backlog gauges of one host (its own meter factory) and the process-wide
/// <c>platform.outbox.parked</c> counter.
/// </summary>
public sealed class OutboxMeters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _gauges = new(StringComparer.Ordinal);
    private long _parked;

    public OutboxMeters(IServiceProvider host)
    {
        var factory = host.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PlatformTelemetry.Name
                && (instrument.Name == "platform.outbox.parked" || ReferenceEquals(instrument.Meter.Scope, factory)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument, value));
        _listener.Start();
    }

    /// <summary>Sum of <c>platform.outbox.parked</c> since this listener started (every host in the process).</summary>
    public long Parked => Interlocked.Read(ref _parked);

    /// <summary>Current value of one of the host's gauges.</summary>
    public double Gauge(string name)
    {
        _listener.RecordObservableInstruments();
        return _gauges.TryGetValue(name, out var value) ? value : double.NaN;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value)
    {
        if (instrument.Name == "platform.outbox.parked")
        {
            Interlocked.Add(ref _parked, (long)value);
        }
        else
        {
            _gauges[instrument.Name] = value;
        }
    }
}
