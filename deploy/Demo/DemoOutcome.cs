namespace Demo;

/// <summary>
/// What a run of the marketing loop did and found: the run's tag (customer source and segment scope), the end of the
/// generated history, how much it ingested (customers, prospects, orders of the history and of the simulation, responses),
/// the campaigns with measured figures and truths, the webhook posts refused for their signature, and the report text.
/// </summary>
public sealed record DemoOutcome(
    string RunTag,
    DateTimeOffset HistoryEnd,
    int CustomersIngested,
    int ProspectsIngested,
    long HistoryOrdersIngested,
    long SimulatedOrdersIngested,
    long ResponsesIngested,
    IReadOnlyList<CampaignOutcome> Campaigns,
    int ContactsReceived,
    int BadSignatures,
    string Report,
    TimeSpan Elapsed)
{
    /// <summary>Every order the demo ingested (history and simulation).</summary>
    public long OrdersIngested => HistoryOrdersIngested + SimulatedOrdersIngested;
}
