using System.Threading.Channels;

namespace Platform.Data;

/// <summary>
/// Wakes a background loop of this process at once instead of at its next poll: any number of notifications before
/// the loop looks again count as one. (Not PostgreSQL <c>NOTIFY</c>: a transaction that notifies takes a database-wide
/// lock until its commit is flushed, which serializes every writing request behind one fsync at a time.)
/// </summary>
public abstract class WakeSignal
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>There may be work.</summary>
    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>Waits until notified (true) or <paramref name="timeout"/> passes (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _signal.Reader.WaitToReadAsync(timer.Token);
            return _signal.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
