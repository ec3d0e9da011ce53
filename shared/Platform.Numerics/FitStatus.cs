namespace Platform.Numerics;

/// <summary>What a maximum-likelihood fit may be used for.</summary>
public enum FitStatus
{
    /// <summary>A well-determined interior maximum: the estimates may be used.</summary>
    Converged,

    /// <summary>
    /// The optimizer stopped, but the data do not determine the parameters (no interior maximum, a parameter running
    /// to the edge of the search space, a flat ridge, too little data): kept for the record with the reason, never used.
    /// </summary>
    Degenerate,

    /// <summary>The optimizer did not reach a maximum (or the likelihood was not finite): never used.</summary>
    Failed,
}
