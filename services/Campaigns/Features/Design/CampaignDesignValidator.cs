using Campaigns.Features.Channels;
using System.Globalization;
using Platform.Contracts.Campaigns;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Campaigns.Features.Design;

/// <summary>
/// Turns a <see cref="CampaignRequest"/> into the stored <see cref="CampaignDesign"/>, recording every bad field (by its
/// JSON path, e.g. <c>cells[1].steps[0].dayOffset</c>) so that one 400 names them all; null when anything is bad.
/// Pure: what it needs to know of the database (the segment catalog) comes in as a function.
/// </summary>
public static class CampaignDesignValidator
{
    /// <summary>How far the shares may sum away from 1 (rounding of decimal shares such as 0.1 + 0.2).</summary>
    public const double ShareTolerance = 1e-9;

    public const int MaxCells = 26;
    public const int MaxSteps = 10;
    public const int MaxOffers = 50;
    public const int MaxWaves = 100;
    public const int MaxDayOffset = 3_650;
    public const int MaxCodeLength = 64;

    public static readonly IReadOnlyList<string> Objectives = ["acquisition", "retention", "cross_sell", "win_back"];
    public static readonly IReadOnlyList<string> Kinds = ["platform", "external"];
    public static readonly IReadOnlyList<string> OfferKinds = ["discount", "service_benefit", "gift"];
    public static readonly IReadOnlyList<string> Conditions = ["always", "no_response_yet", "not_reached"];

    /// <summary>
    /// Validates and normalizes <paramref name="request"/>. <paramref name="segmentDeleted"/> answers for a segment id:
    /// null when the catalog does not know it, true when it was deleted, false when it can be targeted.
    /// </summary>
    public static CampaignDesign? Validate(CampaignRequest? request, Func<Guid, bool?> segmentDeleted, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(segmentDeleted);
        ArgumentNullException.ThrowIfNull(errors);
        if (request is null)
        {
            errors.Add("body", "a campaign object is required");
            return null;
        }

        var code = Text.Required(errors, "code", request.Code, 128);
        var name = Text.Required(errors, "name", request.Name, 200);
        var objective = OneOf(errors, "objective", request.Objective, Objectives, required: true);
        var kind = OneOf(errors, "kind", request.Kind, Kinds, required: false) ?? (request.Kind is null ? "platform" : null);
        var segmentId = Segment(errors, request.SegmentId, kind, segmentDeleted);
        var window = request.ResponseWindowDays;
        if (window is null)
        {
            errors.Add("responseWindowDays", "is required");
        }
        else if (window is < 1 or > 365)
        {
            errors.Add("responseWindowDays", "must be from 1 to 365 days");
        }

        var budget = Money.Check(errors, "budget", request.Budget, required: false, allowNegative: false);
        string? currency = null;
        if (errors.Required("currency", request.Currency) && (currency = Currencies.Normalize(request.Currency)) is null)
        {
            errors.Add("currency", "must be an active ISO 4217 currency code");
        }

        var waves = Waves(errors, request.Waves);
        var offers = Offers(errors, request.Offers, waves);
        var controlShare = request.ControlShare;
        if (controlShare is null)
        {
            errors.Add("controlShare", "is required: every campaign has a control group");
        }
        else if (!(controlShare > 0 && controlShare < 1))
        {
            errors.Add("controlShare", "must be above 0 and below 1");
            controlShare = null;
        }

        var offerCodes = (request.Offers ?? []).Select(o => o?.Code?.Trim()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var cells = Cells(errors, request.Cells, kind, offerCodes, controlShare);
        if (errors.HasErrors)
        {
            return null;
        }

        return new CampaignDesign
        {
            Code = code!,
            Name = name!,
            Objective = objective!,
            Kind = kind!,
            SegmentId = segmentId,
            ResponseWindowDays = window!.Value,
            Budget = budget,
            Currency = currency!,
            Offers = offers,
            Cells = [Control(controlShare!.Value), .. cells],
            Waves = waves,
        };
    }

    private static CampaignCell Control(double share) =>
        new() { Code = CampaignDesign.ControlCell, Share = share, IsControl = true, Steps = [] };

    private static Guid? Segment(ValidationErrors errors, Guid? segmentId, string? kind, Func<Guid, bool?> segmentDeleted)
    {
        if (segmentId is not { } id)
        {
            if (kind == "platform")
            {
                errors.Add("segmentId", "is required for a platform campaign");
            }

            return null;
        }

        switch (segmentDeleted(id))
        {
            case null:
                errors.Add("segmentId", "is not a known segment");
                return null;
            case true:
                errors.Add("segmentId", "names a deleted segment");
                return null;
            default:
                return id;
        }
    }

    private static List<CampaignCell> Cells(ValidationErrors errors, IReadOnlyList<CellRequest?>? cells, string? kind, HashSet<string> offerCodes, double? controlShare)
    {
        var valid = new List<CampaignCell>();
        if (cells is null || cells.Count == 0)
        {
            errors.Add("cells", "at least one treated cell is required");
            return valid;
        }

        if (cells.Count > MaxCells)
        {
            errors.Add("cells", $"must hold at most {MaxCells} cells");
            return valid;
        }

        var codes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var shareSum = controlShare;
        for (var i = 0; i < cells.Count; i++)
        {
            var field = $"cells[{i}]";
            if (cells[i] is not { } cell)
            {
                errors.Add(field, "must be a cell object");
                shareSum = null;
                continue;
            }

            var e = errors.WithPrefix(field + ".");
            var code = CellCode(e, cell.Code);
            if (code is not null && !codes.TryAdd(code, i))
            {
                e.Add("code", $"repeats cells[{codes[code]}].code");
            }

            shareSum = AddShare(e, cell.Share, shareSum);

            var offerCode = Text.Optional(e, "offerCode", cell.OfferCode, MaxCodeLength);
            if (offerCode is not null && !offerCodes.Contains(offerCode))
            {
                e.Add("offerCode", $"'{offerCode}' is not the code of one of the offers");
            }

            var steps = Steps(e, cell.Steps, kind);
            valid.Add(new CampaignCell { Code = code ?? "", Share = cell.Share ?? 0, IsControl = false, OfferCode = offerCode, Steps = steps });
        }

        // Only when every share is there: a missing one is named already and the sum would say nothing.
        if (shareSum is { } sum && Math.Abs(sum - 1) > ShareTolerance)
        {
            errors.Add("cells", string.Create(CultureInfo.InvariantCulture,
                $"the shares of control ({controlShare}) and the cells ({sum - controlShare}) sum to {sum}, not 1"));
        }

        return valid;
    }

    private static List<CampaignStep> Steps(ValidationErrors errors, IReadOnlyList<StepRequest?>? steps, string? kind)
    {
        var valid = new List<CampaignStep>();
        if (steps is null || steps.Count == 0)
        {
            // An external campaign is executed elsewhere: its contacts are imported, its plan may be left out.
            if (kind != "external")
            {
                errors.Add("steps", "at least one step is required");
            }

            return valid;
        }

        if (steps.Count > MaxSteps)
        {
            errors.Add("steps", $"must hold at most {MaxSteps} steps");
            return valid;
        }

        int? previousOffset = null;
        for (var j = 0; j < steps.Count; j++)
        {
            var field = $"steps[{j}]";
            if (steps[j] is not { } step)
            {
                errors.Add(field, "must be a step object");
                previousOffset = null;
                continue;
            }

            var e = errors.WithPrefix(field + ".");
            var channels = StepChannels(e, step);
            var offset = step.DayOffset;
            if (offset is null)
            {
                e.Add("dayOffset", "is required");
            }
            else if (offset is < 0 or > MaxDayOffset)
            {
                e.Add("dayOffset", $"must be from 0 to {MaxDayOffset} days");
                offset = null;
            }
            else if (previousOffset is { } previous && offset < previous)
            {
                e.Add("dayOffset", $"must not be before the previous step's ({previous})");
            }

            previousOffset = offset;
            var condition = OneOf(e, "condition", step.Condition, Conditions, required: false) ?? (step.Condition is null ? "always" : null);
            if (j == 0 && condition is not null and not "always")
            {
                e.Add("condition", "the first step has no earlier step to depend on: its condition must be always");
            }

            var cost = Money.Check(e, "costPerContact", step.CostPerContact, required: true, allowNegative: false);
            valid.Add(new CampaignStep { Number = j + 1, Channels = channels, DayOffset = offset ?? 0, Condition = condition ?? "", CostPerContact = cost ?? 0 });
        }

        return valid;
    }

    private static List<string> StepChannels(ValidationErrors errors, StepRequest step)
    {
        var expected = $"must be one of {string.Join(", ", ChannelNames.All)}";
        if (step.Channel is not null && step.Channels is not null)
        {
            errors.Add("channels", "give channel or channels, not both");
            return [];
        }

        if (step.Channels is null)
        {
            var channel = Text.Required(errors, "channel", step.Channel, 50);
            if (channel is null)
            {
                return [];
            }

            if (!ChannelNames.IsKnown(channel))
            {
                errors.Add("channel", UnknownChannel(channel, expected));
                return [];
            }

            return [channel];
        }

        if (step.Channels.Count == 0)
        {
            errors.Add("channels", "must name at least one channel");
            return [];
        }

        if (step.Channels.Count > ChannelNames.All.Count)
        {
            errors.Add("channels", $"must name at most {ChannelNames.All.Count} channels");
            return [];
        }

        var list = new List<string>();
        for (var k = 0; k < step.Channels.Count; k++)
        {
            var channel = step.Channels[k]?.Trim();
            if (!ChannelNames.IsKnown(channel))
            {
                errors.Add($"channels[{k}]", UnknownChannel(channel, expected));
            }
            else if (list.Contains(channel!))
            {
                errors.Add($"channels[{k}]", $"repeats {channel}");
            }
            else
            {
                list.Add(channel!);
            }
        }

        return list;
    }

    // A call step names the phone channel the platform dispatches calls on; say so to whoever wrote "phone" or "call".
    private static string UnknownChannel(string? channel, string expected) =>
        channel?.ToLowerInvariant() is "phone" or "call" or "telephone" or "outbound" or "tel"
            ? expected + " (a call step's channel is outbound_call; text messages are sms)"
            : expected;

    private static List<CampaignOffer> Offers(ValidationErrors errors, IReadOnlyList<OfferRequest?>? offers, List<CampaignWave> waves)
    {
        var valid = new List<CampaignOffer>();
        if (offers is null)
        {
            return valid;
        }

        if (offers.Count > MaxOffers)
        {
            errors.Add("offers", $"must hold at most {MaxOffers} offers");
            return valid;
        }

        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < offers.Count; i++)
        {
            var field = $"offers[{i}]";
            if (offers[i] is not { } offer)
            {
                errors.Add(field, "must be an offer object");
                continue;
            }

            var e = errors.WithPrefix(field + ".");
            var code = Code(e, "code", offer.Code);
            if (code is not null && !codes.TryAdd(code, i))
            {
                e.Add("code", $"repeats offers[{codes[code]}].code");
            }

            var kind = OneOf(e, "kind", offer.Kind, OfferKinds, required: true);
            var value = Money.Check(e, "value", offer.Value, required: true, allowNegative: false);
            var cost = Money.Check(e, "costPerRedemption", offer.CostPerRedemption, required: true, allowNegative: false);
            var deadline = Timestamp(e, "deadline", offer.Deadline, required: false);
            if (deadline is { } d && waves.Count > 0 && d < waves[0].StartsAt)
            {
                e.Add("deadline", "is before the first wave starts");
            }

            valid.Add(new CampaignOffer { Code = code ?? "", Kind = kind ?? "", Value = value ?? 0, CostPerRedemption = cost ?? 0, Deadline = deadline });
        }

        return valid;
    }

    private static List<CampaignWave> Waves(ValidationErrors errors, IReadOnlyList<WaveRequest?>? waves)
    {
        var valid = new List<CampaignWave>();
        if (waves is null || waves.Count == 0)
        {
            return valid;
        }

        if (waves.Count > MaxWaves)
        {
            errors.Add("waves", $"must hold at most {MaxWaves} waves");
            return valid;
        }

        double? shareSum = 0;
        DateTimeOffset? previousStart = null;
        for (var i = 0; i < waves.Count; i++)
        {
            var field = $"waves[{i}]";
            if (waves[i] is not { } wave)
            {
                errors.Add(field, "must be a wave object");
                shareSum = null;
                previousStart = null;
                continue;
            }

            var e = errors.WithPrefix(field + ".");
            shareSum = AddShare(e, wave.Share, shareSum);

            var startsAt = Timestamp(e, "startsAt", wave.StartsAt, required: true);
            if (startsAt is { } start && previousStart is { } previous && start <= previous)
            {
                e.Add("startsAt", $"must be after waves[{i - 1}].startsAt");
            }

            previousStart = startsAt;
            var deadline = Timestamp(e, "offerDeadline", wave.OfferDeadline, required: false);
            if (deadline is { } d && startsAt is { } s && d < s)
            {
                e.Add("offerDeadline", "must not be before the wave starts");
            }

            valid.Add(new CampaignWave { Number = i + 1, Share = wave.Share ?? 0, StartsAt = startsAt ?? default, OfferDeadline = deadline });
        }

        if (shareSum is { } sum && Math.Abs(sum - 1) > ShareTolerance)
        {
            errors.Add("waves", string.Create(CultureInfo.InvariantCulture, $"the waves' shares sum to {sum}, not 1"));
        }

        return valid;
    }

    private static string? CellCode(ValidationErrors errors, string? value)
    {
        var code = Code(errors, "code", value);
        if (code is not null && (code.Equals(CampaignDesign.ControlCell, StringComparison.OrdinalIgnoreCase)
            || code.Equals(CampaignDesign.GlobalControlCell, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add("code", $"'{code}' is reserved (the control cell is given by controlShare)");
            return null;
        }

        return code;
    }

    // Cell and offer codes end up in assignments, exports and events: plain identifiers only.
    private static string? Code(ValidationErrors errors, string field, string? value)
    {
        var code = Text.Required(errors, field, value, MaxCodeLength);
        if (code is not null && !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add(field, "may hold only letters, digits, '-' and '_'");
            return null;
        }

        return code;
    }

    private static string? OneOf(ValidationErrors errors, string field, string? value, IReadOnlyList<string> allowed, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "is required");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (!allowed.Contains(trimmed))
        {
            errors.Add(field, $"must be one of {string.Join(", ", allowed)}");
            return null;
        }

        return trimmed;
    }

    private static DateTimeOffset? Timestamp(ValidationErrors errors, string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(field, "is required");
            }

            return null;
        }

        if (!IsoTimestamp.TryParse(value, out var utc))
        {
            errors.Add(field, IsoTimestamp.Expected);
            return null;
        }

        return IsoTimestamp.ToMicroseconds(utc);
    }

    // A share (of a cell or a wave) checked and added to the running sum; the sum is unknown (null) once one is bad.
    private static double? AddShare(ValidationErrors e, double? share, double? sum)
    {
        if (share is not { } value)
        {
            e.Add("share", "is required");
            return null;
        }

        if (!(value > 0 && value <= 1))
        {
            e.Add("share", "must be above 0 and at most 1");
            return null;
        }

        return sum + value;
    }
}
