namespace Measurement.Features.Results;

/// <summary>Health of the test: sample-ratio mismatch, contacts to control members, and the lifts it could detect.</summary>
public sealed record HealthView(SampleRatioView SampleRatio, ControlContactsView ControlContacts, IReadOnlyList<DetectableLiftView> DetectableLift);
