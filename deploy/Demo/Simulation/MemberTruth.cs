namespace Demo.Simulation;

/// <summary>
/// One member's expected outcomes in one cell, from the simulation's true parameters: probability of responding, of
/// buying in the response window (conversion), expected net revenue in the window (null where not derived), and for a
/// prospect the probability of repeating within 30 days after a first purchase and whether they are a deal seeker.
/// </summary>
public sealed record MemberTruth(double Response, double Conversion, double? Revenue, double RepeatWithin30, bool DealSeeker);
