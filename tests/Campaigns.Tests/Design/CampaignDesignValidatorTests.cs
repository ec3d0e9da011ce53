using Campaigns.Features.Design;
using Platform.ServiceDefaults;

namespace Campaigns.Tests.Design;

public sealed class CampaignDesignValidatorTests
{
    private static readonly Guid Segment = Guid.Parse("0196a3b2-0000-7000-8000-000000000001");
    private static readonly Guid DeletedSegment = Guid.Parse("0196a3b2-0000-7000-8000-000000000002");

    /// <summary>A valid mail-then-call design: 10% control, two cells, one offer, two waves.</summary>
    public static CampaignRequest Valid() => new()
    {
        Code = "SPRING-26",
        Name = "Spring reactivation",
        Objective = "win_back",
        SegmentId = Segment,
        ResponseWindowDays = 30,
        Budget = 50_000m,
        Currency = "eur",
        Offers = [new OfferRequest { Code = "TEN", Kind = "discount", Value = 10m, CostPerRedemption = 8.5m, Deadline = "2026-06-30T23:59:59+02:00" }],
        ControlShare = 0.1,
        Cells =
        [
            new CellRequest
            {
                Code = "mail_call", Share = 0.45, OfferCode = "TEN",
                Steps =
                [
                    new StepRequest { Channel = "direct_mail", DayOffset = 0, CostPerContact = 0.9m },
                    new StepRequest { Channels = ["outbound_call", "sms"], DayOffset = 7, Condition = "no_response_yet", CostPerContact = 4m },
                ],
            },
            new CellRequest { Code = "email", Share = 0.45, Steps = [new StepRequest { Channel = "email", DayOffset = 0, CostPerContact = 0.01m }] },
        ],
        Waves =
        [
            new WaveRequest { Share = 0.5, StartsAt = "2026-04-01T08:00:00Z", OfferDeadline = "2026-05-01T00:00:00Z" },
            new WaveRequest { Share = 0.5, StartsAt = "2026-04-15T08:00:00Z" },
        ],
    };

    [Fact]
    public void ValidRequest_IsNormalized_ControlCellFirst_StepsAndWavesNumbered()
    {
        var errors = new ValidationErrors();

        var design = CampaignDesignValidator.Validate(Valid(), Catalog, errors);

        Assert.False(errors.HasErrors, string.Join("; ", errors.ToDictionary().Keys));
        Assert.NotNull(design);
        Assert.Equal("platform", design.Kind);
        Assert.Equal("EUR", design.Currency);
        Assert.Equal(["control", "mail_call", "email"], design.Cells.Select(c => c.Code));
        Assert.True(design.Cells[0].IsControl);
        Assert.Equal(0.1, design.Cells[0].Share);
        Assert.Empty(design.Cells[0].Steps);
        Assert.Equal([1, 2], design.Cells[1].Steps.Select(s => s.Number));
        Assert.Equal(["direct_mail"], design.Cells[1].Steps[0].Channels);
        Assert.Equal("always", design.Cells[1].Steps[0].Condition);
        Assert.Equal(["outbound_call", "sms"], design.Cells[1].Steps[1].Channels);
        Assert.Equal([1, 2], design.Waves.Select(w => w.Number));
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 21, 59, 59, TimeSpan.Zero), design.Offers[0].Deadline);
        Assert.Equal(TimeSpan.Zero, design.Offers[0].Deadline!.Value.Offset);
    }

    [Fact]
    public void BadDesign_NamesEveryBadField_AndNothingElse()
    {
        var request = Valid() with
        {
            Objective = "growth",
            ResponseWindowDays = 0,
            Currency = "EURO",
            Budget = -1m,
            ControlShare = 0.2, // with 0.45 + 0.45 the shares sum to 1.1
            Offers =
            [
                new OfferRequest { Code = "TEN", Kind = "coupon", Value = 10m, CostPerRedemption = 1m },
                new OfferRequest { Code = "TEN", Kind = "gift", Value = 5m, CostPerRedemption = -2m },
            ],
            Cells =
            [
                new CellRequest
                {
                    Code = "control", Share = 0.45,
                    Steps = [new StepRequest { Channel = "phone", DayOffset = 0, CostPerContact = 1m }],
                },
                new CellRequest
                {
                    Code = "b", Share = 0.45, OfferCode = "FIFTY",
                    Steps =
                    [
                        new StepRequest { Channel = "direct_mail", DayOffset = 5, Condition = "no_response_yet", CostPerContact = 1m },
                        new StepRequest { Channels = ["outbound_call", "outbound_call"], DayOffset = 3, CostPerContact = 1.234m },
                    ],
                },
            ],
            Waves =
            [
                new WaveRequest { Share = 0.5, StartsAt = "2026-04-15T08:00:00Z", OfferDeadline = "2026-04-01T00:00:00Z" },
                new WaveRequest { Share = 0.4, StartsAt = "2026-04-01T08:00:00Z" },
            ],
        };
        var errors = new ValidationErrors();

        Assert.Null(CampaignDesignValidator.Validate(request, Catalog, errors));

        string[] expected =
        [
            "budget", "cells", "cells[0].code", "cells[0].steps[0].channel", "cells[1].offerCode", "cells[1].steps[0].condition",
            "cells[1].steps[1].channels[1]", "cells[1].steps[1].costPerContact", "cells[1].steps[1].dayOffset", "currency", "objective",
            "offers[0].kind", "offers[1].code", "offers[1].costPerRedemption", "responseWindowDays", "waves", "waves[0].offerDeadline",
            "waves[1].startsAt",
        ];
        Assert.Equal(expected, errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
        Assert.Contains("a call step's channel is outbound_call", errors.ToDictionary()["cells[0].steps[0].channel"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void SharesThatSumToOneUpToRounding_AreAccepted()
    {
        // 0.1 + 0.2 + 0.7 is 1.0000000000000002 in doubles.
        var request = Valid() with
        {
            ControlShare = 0.1,
            Cells = [Valid().Cells![0]! with { Share = 0.2 }, Valid().Cells![1]! with { Share = 0.7 }],
        };
        var errors = new ValidationErrors();

        Assert.NotNull(CampaignDesignValidator.Validate(request, Catalog, errors));
    }

    [Theory]
    [InlineData("unknown", "is not a known segment")]
    [InlineData("deleted", "names a deleted segment")]
    [InlineData("missing", "is required for a platform campaign")]
    public void Segment_MustBeKnownAndNotDeleted_ForAPlatformCampaign(string which, string message)
    {
        var request = Valid() with { SegmentId = which switch { "unknown" => Guid.NewGuid(), "deleted" => DeletedSegment, _ => null } };
        var errors = new ValidationErrors();

        Assert.Null(CampaignDesignValidator.Validate(request, Catalog, errors));

        Assert.Equal([message], errors.ToDictionary()["segmentId"]);
    }

    [Fact]
    public void ExternalCampaign_NeedsNeitherSegmentNorSteps()
    {
        var request = Valid() with
        {
            Kind = "external",
            SegmentId = null,
            Cells = [new CellRequest { Code = "mens_email", Share = 0.45 }, new CellRequest { Code = "womens_email", Share = 0.45 }],
        };
        var errors = new ValidationErrors();

        var design = CampaignDesignValidator.Validate(request, Catalog, errors);

        Assert.NotNull(design);
        Assert.Null(design.SegmentId);
        Assert.All(design.Cells, c => Assert.Empty(c.Steps));
    }

    [Fact]
    public void Step_WithChannelAndChannels_OrNeither_IsRefused()
    {
        var request = Valid() with
        {
            Cells =
            [
                new CellRequest { Code = "a", Share = 0.45, Steps = [new StepRequest { Channel = "email", Channels = ["sms"], DayOffset = 0, CostPerContact = 0m }] },
                new CellRequest { Code = "A", Share = 0.45, Steps = [new StepRequest { DayOffset = 0, CostPerContact = 0m }] },
            ],
        };
        var errors = new ValidationErrors();

        Assert.Null(CampaignDesignValidator.Validate(request, Catalog, errors));

        // Cell codes differing only in case would be told apart by nobody reading a report.
        Assert.Equal(["cells[0].steps[0].channels", "cells[1].code", "cells[1].steps[0].channel"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OfferDeadline_BeforeTheFirstWave_IsRefused()
    {
        var request = Valid() with
        {
            Offers = [new OfferRequest { Code = "TEN", Kind = "discount", Value = 10m, CostPerRedemption = 8.5m, Deadline = "2026-03-31T00:00:00Z" }],
        };
        var errors = new ValidationErrors();

        Assert.Null(CampaignDesignValidator.Validate(request, Catalog, errors));

        Assert.Equal(["offers[0].deadline"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void MissingBody_IsNamed()
    {
        var errors = new ValidationErrors();

        Assert.Null(CampaignDesignValidator.Validate(null, Catalog, errors));

        Assert.Equal(["body"], errors.ToDictionary().Keys);
    }

    private static bool? Catalog(Guid id) => id == Segment ? false : id == DeletedSegment ? true : null;
}
