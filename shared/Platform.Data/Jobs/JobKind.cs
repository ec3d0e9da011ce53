namespace Platform.Data.Jobs;

/// <summary>
/// A kind of job and the type of its payload: the name is stored with each job and picks its handler, so it must stay
/// stable across releases (e.g. <c>ingestion.import</c>). The payload is stored as JSON.
/// </summary>
/// <typeparam name="TPayload">What a job of this kind carries (serialized with the web defaults of System.Text.Json).</typeparam>
public sealed record JobKind<TPayload>(string Name);
