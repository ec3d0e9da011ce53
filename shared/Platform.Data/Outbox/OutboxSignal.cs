using System.Threading.Channels;

namespace Platform.Data;

/// <summary>
/// Tells this process's outbox relay that rows were just written. Raised when the rows are added, i.e. before the
/// writer commits, so the relay looks again for a short while if it finds nothing yet.
/// (Not PostgreSQL <c>NOTIFY</c>: a transaction that notifies takes a database-wide lock until its commit is flushed,
/// which serializes every writing request behind one fsync at a time.)
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Rows were added to the outbox.</summary>
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
