namespace Campaigns.Features.External;

/// <summary>What an external campaign's file import stored: rows, members per cell, and whether it was a repeat of an earlier import.</summary>
public sealed record ExternalImportResult(int Rows, IReadOnlyDictionary<string, int> Cells, bool Replayed);
