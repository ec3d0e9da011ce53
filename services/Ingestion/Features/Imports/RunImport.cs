namespace Ingestion.Features.Imports;

/// <summary>The job that runs (or resumes) import <paramref name="ImportId"/>.</summary>
public sealed record RunImport(Guid ImportId);
