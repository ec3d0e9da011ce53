namespace Segmentation.Features.Scoring;

/// <summary>The job that executes scoring run <paramref name="RunId"/>; null for the scheduled daily run, whose run is created by the job itself.</summary>
public sealed record RunScoring(Guid? RunId);
