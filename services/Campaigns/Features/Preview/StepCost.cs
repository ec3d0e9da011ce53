namespace Campaigns.Features.Preview;

/// <summary>One step's contacts (members reachable on one of its channels) and their cost.</summary>
public sealed record StepCost(int Number, IReadOnlyList<string> Channels, long Contacts, decimal CostPerContact, decimal Cost);
