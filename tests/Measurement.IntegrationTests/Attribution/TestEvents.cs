using Platform.Contracts.Campaigns;
using Platform.Contracts.Ingestion;

namespace Measurement.IntegrationTests.Attribution;

/// <summary>Events as Campaigns and Ingestion publish them, with the defaults the attribution tests share.</summary>
internal static class TestEvents
{
    public static readonly DateTimeOffset WaveStart = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A campaign with a control and a treated cell <c>mail</c> making offer <c>SAVE10</c> (costs 4 per redemption), one wave.</summary>
    public static CampaignLaunched Campaign(Guid id, string code, int windowDays = 30, DateTimeOffset? waveStart = null) => new()
    {
        CampaignId = id,
        Code = code,
        Name = code,
        Objective = "retention",
        Kind = "platform",
        LaunchedAt = (waveStart ?? WaveStart).AddDays(-1),
        ResponseWindowDays = windowDays,
        Currency = "EUR",
        MemberCount = 0,
        GlobalControlShare = 0.05,
        Cells =
        [
            new CampaignCell { Code = "control", Share = 0.5, IsControl = true, Steps = [] },
            new CampaignCell
            {
                Code = "mail", Share = 0.5, IsControl = false, OfferCode = "SAVE10",
                Steps = [new CampaignStep { Number = 1, Channels = ["email"], DayOffset = 0, Condition = "always", CostPerContact = 0.5m },
                         new CampaignStep { Number = 2, Channels = ["sms"], DayOffset = 3, Condition = "no_response_yet", CostPerContact = 0.25m }],
            },
        ],
        Waves = [new CampaignWave { Number = 1, Share = 1, StartsAt = waveStart ?? WaveStart }],
        Offers = [new CampaignOffer { Code = "SAVE10", Kind = "discount", Value = 10, CostPerRedemption = 4 }],
    };

    public static Assignment Member(Guid customer, string cell, decimal preRevenue = 0, string? tier = null, bool globalControl = false) => new()
    {
        CustomerId = customer,
        Cell = cell,
        Wave = 1,
        GlobalControl = globalControl,
        ValueTier = tier,
        DealSeeker = false,
        NetRevenue365 = preRevenue,
        Orders365 = 0,
    };

    public static CustomersAssigned Assigned(Guid campaign, params Assignment[] members) => Batch(campaign, 1, 1, members);

    public static CustomersAssigned Batch(Guid campaign, int number, int count, params Assignment[] members) => new()
    {
        CampaignId = campaign, BatchNumber = number, BatchCount = count, Assignments = members,
    };

    public static ContactRecord Contact(Guid customer, DateTimeOffset at, int step = 1, string status = "dispatched", decimal cost = 0.5m, string cell = "mail", Guid? id = null) => new()
    {
        ContactId = id ?? Guid.NewGuid(),
        CustomerId = customer,
        Cell = cell,
        Wave = 1,
        Step = step,
        Channel = status == "blocked" ? "" : "email",
        OfferCode = "SAVE10",
        Cost = status == "blocked" ? 0 : cost,
        At = at,
        Status = status,
        BlockReason = status == "blocked" ? "no_consent" : null,
    };

    public static ContactsDispatched Contacts(Guid campaign, params ContactRecord[] contacts) => new() { CampaignId = campaign, Contacts = contacts };

    public static TransactionRecord Purchase(Guid customer, DateTimeOffset at, decimal gross, decimal discount = 0, decimal? cost = null,
        bool isReturn = false, string? promotion = null, string? campaignCode = null, Guid? id = null) => new()
    {
        TransactionId = id ?? Guid.NewGuid(),
        CustomerId = customer,
        Source = "shop",
        OrderId = Guid.NewGuid().ToString(),
        OccurredAt = at,
        GrossAmount = gross,
        DiscountAmount = discount,
        CostAmount = cost,
        Currency = "EUR",
        Quantity = 1,
        PromotionCode = promotion,
        CampaignCode = campaignCode,
        IsReturn = isReturn,
    };

    public static TransactionsRecorded Purchases(params TransactionRecord[] t) => new() { Transactions = t };

    public static ResponseRecord Response(Guid customer, string code, string type, DateTimeOffset at, Guid? id = null) => new()
    {
        ResponseId = id ?? Guid.NewGuid(),
        CampaignCode = code,
        CustomerId = customer,
        Channel = "email",
        Type = type,
        OccurredAt = at,
    };

    public static ResponsesRecorded Responses(params ResponseRecord[] r) => new() { Responses = r };
}
