using Demo.Simulation;

namespace Demo;

/// <summary>
/// The demo's two campaigns as designed (codes from the run's tag), the treatment each cell stands for, and the simulated
/// days at which the clock stops: every day while contacts and responses happen, then in larger steps until the
/// response windows have closed and the acquired cohorts are 30 days past their first purchases.
/// </summary>
public static class DemoPlan
{
    public const string Currency = "EUR";
    public const decimal MailCost = 0.85m;
    public const decimal CallCost = 4.50m;

    /// <summary>The cells of the retention campaign and what each does.</summary>
    public static readonly IReadOnlyDictionary<string, Treatment> RetentionCells = new Dictionary<string, Treatment>(StringComparer.Ordinal)
    {
        ["control"] = Treatment.Control, ["mail"] = Treatment.Mail, ["mail_then_call"] = Treatment.MailThenCall, ["call"] = Treatment.Call,
    };

    /// <summary>The cells of the acquisition campaign and what each does.</summary>
    public static readonly IReadOnlyDictionary<string, Treatment> AcquisitionCells = new Dictionary<string, Treatment>(StringComparer.Ordinal)
    {
        ["control"] = Treatment.Control, ["discount"] = Treatment.DiscountMail, ["service"] = Treatment.ServiceMail,
    };

    /// <summary>Days after the end of history the clock stops at, in order.</summary>
    public static IReadOnlyList<int> Stops { get; } = [.. Enumerable.Range(1, 14), .. Enumerable.Range(1, 10).Select(i => 14 + (3 * i)), 51, 58, 65, 72];

    /// <summary>The last simulated day (organic purchases are simulated up to it).</summary>
    public static int Horizon => Stops[^1];

    /// <summary>The retention design: mail only, mail then a call 7 days later if no response, call only, 10% control.</summary>
    public static object Retention(string code, Guid segmentId, int windowDays) => new
    {
        code,
        name = "Win back high-value customers at risk",
        objective = "retention",
        segmentId,
        responseWindowDays = windowDays,
        currency = Currency,
        controlShare = 0.1,
        cells = new object[]
        {
            new { code = "mail", share = 0.3, steps = new[] { Mail(0) } },
            new { code = "mail_then_call", share = 0.3, steps = new[] { Mail(0), new { channel = "outbound_call", dayOffset = 7, condition = "no_response_yet", costPerContact = CallCost } } },
            new { code = "call", share = 0.3, steps = new[] { new { channel = "outbound_call", dayOffset = 0, condition = "always", costPerContact = CallCost } } },
        },
    };

    /// <summary>The acquisition design: a discount offer against a service-benefit offer by mail to the partner list, 20% control.</summary>
    public static object Acquisition(string code, Guid segmentId, int windowDays, decimal discountValue) => new
    {
        code,
        name = "Partner list: discount or service?",
        objective = "acquisition",
        segmentId,
        responseWindowDays = windowDays,
        currency = Currency,
        offers = new object[]
        {
            new { code = "DISC10", kind = "discount", value = discountValue, costPerRedemption = discountValue },
            new { code = "FREEDELIVERY", kind = "service_benefit", value = 5m, costPerRedemption = 3m },
        },
        controlShare = 0.2,
        cells = new object[]
        {
            new { code = "discount", share = 0.4, offerCode = "DISC10", steps = new[] { Mail(0) } },
            new { code = "service", share = 0.4, offerCode = "FREEDELIVERY", steps = new[] { Mail(0) } },
        },
    };

    private static object Mail(int day) => new { channel = "direct_mail", dayOffset = day, condition = "always", costPerContact = MailCost };
}
