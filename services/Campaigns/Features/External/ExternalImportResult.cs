namespace Campaigns.Features.External;

/// <summary>
/// What an external campaign's file import stored: rows, members per cell (assignments), whether it only repeated an
/// earlier import, and (contacts) how many contacts reached control members, which Measurement flags.
/// </summary>
public sealed record ExternalImportResult(int Rows, IReadOnlyDictionary<string, int> Cells, bool Replayed)
{
    /// <summary>Contacts made to members of the control or global control (contacts imports only).</summary>
    public int? ContactsToControl { get; init; }
}
