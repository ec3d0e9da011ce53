using Platform.ServiceDefaults;

namespace Campaigns.Features.External;

/// <summary>How an external campaign's import ended: imported, refused with row errors, not found, or in conflict with the campaign's state.</summary>
public sealed record ExternalImportOutcome(ExternalImportResult? Result, ValidationErrors? Errors, int ErrorCount, string? ConflictReason, bool IsNotFound)
{
    public static ExternalImportOutcome NotFound { get; } = new(null, null, 0, null, true);

    public static ExternalImportOutcome Imported(ExternalImportResult result) => new(result, null, 0, null, false);

    public static ExternalImportOutcome Invalid(ValidationErrors errors, int errorCount) => new(null, errors, errorCount, null, false);

    public static ExternalImportOutcome Conflict(string reason) => new(null, null, 0, reason, false);
}
