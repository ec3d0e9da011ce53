namespace Platform.Data.Staging;

/// <summary>What a set-based writer did with one input row.</summary>
public enum RowOutcome : byte
{
    /// <summary>Stored now and published.</summary>
    New,

    /// <summary>Already stored with the same values (a replay, or the same record twice in one batch): nothing written or published.</summary>
    Duplicate,

    /// <summary>The row refers to something that does not exist (e.g. an unknown customer) and was left out of the stage: nothing written.</summary>
    UnknownReference,

    /// <summary>The id is already stored with different values: nothing written (the first version is kept).</summary>
    Conflict,
}
