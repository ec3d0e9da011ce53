using Demo.Generation;

namespace Demo.Simulation;

/// <summary>
/// The expected outcome of each member under each treatment, derived from the same parameters the simulator draws from
/// (no simulation involved), and their averages over a campaign's members.
/// </summary>
public static class GroundTruth
{
    /// <summary>What <paramref name="member"/> would do under <paramref name="treatment"/>.</summary>
    public static MemberTruth For(SyntheticCustomer member, Treatment treatment, SimulationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(parameters);
        var p = parameters;
        var weeks = p.ResponseWindowDays / 7.0;
        var dealSeeker = member.Type == CustomerType.DealSeeker;
        var repeat30 = (1 - member.Dropout) * (1 - Math.Exp(-member.PurchasesPerWeek * 30 / 7.0));
        if (member.IsProspect)
        {
            var mail = member.Mailable ? 1.0 : 0.0;
            var respond = treatment switch
            {
                Treatment.DiscountMail => mail * p.DiscountConversion.For(member.Type),
                Treatment.ServiceMail => mail * p.ServiceConversion.For(member.Type),
                _ => 0,
            };
            var organic = 1 - Math.Exp(-p.OrganicFirstPurchasePerWeek.For(member.Type) * weeks);
            return new MemberTruth(respond, 1 - ((1 - respond) * (1 - organic)), null, repeat30, dealSeeker);
        }

        var factor = member.AliveAtEnd ? 1 : p.DroppedOutFactor;
        var a = member.Mailable ? 1.0 : 0.0;
        var b = member.Callable ? 1.0 : 0.0;
        var rm = factor * p.MailResponse.For(member.Type);
        var rc = factor * p.CallAnswer * p.CallResponse.For(member.Type);
        var response = treatment switch
        {
            Treatment.Mail => a * rm,
            Treatment.Call => b * rc,
            Treatment.MailThenCall => (a * rm) + ((1 - (a * (rm + p.MailOptOut))) * b * rc),
            _ => 0,
        };
        var organicOrders = member.AliveAtEnd ? member.PurchasesPerWeek * weeks : 0;
        var organicBuys = 1 - Math.Exp(-organicOrders);
        var conversion = 1 - ((1 - response) * (1 - organicBuys));
        var revenue = (response * member.MeanOrderValue) + (organicOrders * member.MeanOrganicNet);
        return new MemberTruth(response, conversion, revenue, repeat30, dealSeeker);
    }

    /// <summary>The cell's true values over <paramref name="members"/> (all of the campaign's members, whatever their cell).</summary>
    public static CellTruth Average(IReadOnlyCollection<SyntheticCustomer> members, Treatment treatment, SimulationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            return new CellTruth(0, 0, null, null, null);
        }

        var truths = members.Select(m => For(m, treatment, parameters)).ToList();
        var revenue = truths.All(t => t.Revenue is not null) ? truths.Average(t => t.Revenue!.Value) : (double?)null;
        double? dealShare = null, repeat = null;
        if (members.All(m => m.IsProspect))
        {
            var acquired = truths.Sum(t => t.Conversion);
            dealShare = acquired > 0 ? truths.Sum(t => t.DealSeeker ? t.Conversion : 0) / acquired : null;
            repeat = acquired > 0 ? truths.Sum(t => t.Conversion * t.RepeatWithin30) / acquired : null;
        }

        return new CellTruth(truths.Average(t => t.Response), truths.Average(t => t.Conversion), revenue, dealShare, repeat);
    }
}
