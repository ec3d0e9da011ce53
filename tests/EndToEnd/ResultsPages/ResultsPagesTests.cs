namespace EndToEnd.ResultsPages;

/// <summary>The marketer endpoint tests and the browser tests share one start of every service and one campaign with results.</summary>
[CollectionDefinition(Name)]
public sealed class ResultsPagesTests : ICollectionFixture<ResultsCampaign>
{
    public const string Name = "Results pages";
}
