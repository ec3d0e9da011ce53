namespace Platform.Data.Jobs;

/// <summary>Thrown by a handler when retrying cannot help: the job becomes dead at once (kept, with the error, for inspection).</summary>
public sealed class JobFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobFailedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
