namespace Ingestion.Features.Imports;

/// <summary>Settings of bulk imports (configuration section <c>Imports</c>, e.g. <c>Imports__SpoolDirectory</c>).</summary>
public sealed class ImportOptions
{
    /// <summary>Where uploaded files wait for their import job; a folder under the OS temp folder unless set.</summary>
    public string SpoolDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "ingestion-imports");

    /// <summary>Largest file accepted (default 8 GiB); larger uploads get 413.</summary>
    public long MaxFileBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Rows written per database transaction (progress is committed with each chunk).</summary>
    public int ChunkRows { get; set; } = 10_000;

    /// <summary>
    /// Chunks written at the same time, each on its own connection and transaction. The database does most of the work
    /// of a chunk; two writers keep it busy while the other one's round trips and event serialization run.
    /// </summary>
    public int Writers { get; set; } = 2;

    /// <summary>Longest CSV record (a quoted field that never closes ends the import once it passes this).</summary>
    public int MaxRecordChars { get; set; } = 1024 * 1024;
}
