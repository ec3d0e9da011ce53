using System.Diagnostics;
using System.Threading.Channels;

namespace Platform.Data;

/// <summary>
/// Wakes a background loop of this process at once instead of at its next poll: any number of notifications before
/// the loop looks again count as one. (Not PostgreSQL <c>NOTIFY</c>: a transaction that notifies takes a database-wide
/// lock until its commit is flushed, which serializes every writing request behind one fsync at a time.)
/// </summary>
public abstract class WakeSignal
{
    // A notification comes before the notifier's commit: after one, a round that found nothing looks again at short
    // intervals for this long (real time, not the injected clock: it is about commit latency, not business time).
    private static readonly TimeSpan CommitWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CommitRetry = TimeSpan.FromMilliseconds(10);

    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _lookUntil;

    /// <summary>There may be work.</summary>
    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>
    /// Waits before the loop's next round: until notified or <paramref name="pollInterval"/> passes; but when the last
    /// round found nothing (<paramref name="foundWork"/> false) within <see cref="CommitWindow"/> of a notification, only
    /// <see cref="CommitRetry"/>, since the notified work is usually just not committed yet. For the one loop that
    /// consumes this signal.
    /// </summary>
    public async Task WaitForNextRoundAsync(bool foundWork, TimeSpan pollInterval, CancellationToken ct)
    {
        var wait = !foundWork && Stopwatch.GetTimestamp() < Volatile.Read(ref _lookUntil) ? CommitRetry : pollInterval;
        if (await WaitAsync(wait, ct))
        {
            Volatile.Write(ref _lookUntil, Stopwatch.GetTimestamp() + (long)(CommitWindow.TotalSeconds * Stopwatch.Frequency));
        }
    }

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
