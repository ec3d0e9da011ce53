namespace Platform.Numerics;

/// <summary>A fit's <see cref="FitStatus"/> and, unless it converged, why (a sentence a marketer can read).</summary>
public sealed record FitVerdict(FitStatus Status, string? Reason)
{
    /// <summary>A converged fit.</summary>
    public static readonly FitVerdict Converged = new(FitStatus.Converged, null);

    /// <summary>A degenerate fit with its reason.</summary>
    public static FitVerdict Degenerate(string reason) => new(FitStatus.Degenerate, reason);

    /// <summary>A failed fit with its reason.</summary>
    public static FitVerdict Failed(string reason) => new(FitStatus.Failed, reason);

    /// <summary>The status as stored and shown: <c>converged</c>, <c>degenerate</c> or <c>failed</c>.</summary>
    public string StatusName => Status.ToString().ToLowerInvariant();
}
