namespace Platform.Testing;

/// <summary>Waits for an asynchronous outcome with a bounded poll, never a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns a non-null value or <paramref name="timeout"/> passes (then throws naming <paramref name="what"/>).</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var delay = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout passes.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        ValueAsync<object>(async () => await condition() ? new object() : null, what, timeout);
}
