using MathNet.Numerics.Distributions;

namespace Demo.Generation;

/// <summary>
/// Draws the synthetic base from <see cref="GeneratorParameters"/> (pure and seeded: the same parameters give the same
/// base). Customers: a type by the shares; λ, p and ν from the type's distributions; acquired on a day uniform over the
/// history with a first order; then, while alive, next orders after exponential gaps of rate λ, dropping out after each
/// order with probability p (BG/NBD). Order values are Gamma(p, ν) draws; a discounted order carries a 20% discount and a
/// promotion code. Prospects: a type by the prospect shares, the same per-type draws for their behaviour once acquired,
/// no orders.
/// </summary>
public static class CustomerBaseGenerator
{
    /// <summary>The promotion code of discounted organic orders.</summary>
    public const string PromotionCode = "SAVE20";

    /// <summary>Generates the base.</summary>
    public static CustomerBase Generate(GeneratorParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var random = new Random(parameters.Seed);
        var customers = new List<SyntheticCustomer>(parameters.Customers);
        for (var i = 0; i < parameters.Customers; i++)
        {
            customers.Add(Draw(random, parameters, i, prospect: false));
        }

        var prospects = new List<SyntheticCustomer>(parameters.Prospects);
        for (var i = 0; i < parameters.Prospects; i++)
        {
            prospects.Add(Draw(random, parameters, i, prospect: true));
        }

        return new CustomerBase(parameters, customers, prospects);
    }

    /// <summary>One order of <paramref name="customer"/> on <paramref name="day"/>: its value drawn from the customer's spend distribution.</summary>
    public static SyntheticOrder Order(Random random, SyntheticCustomer customer, double day, bool discounted, string? campaignCode = null, string? promotionCode = null, double discountRate = GeneratorParameters.DiscountRate)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(customer);
        var shape = customer.MeanOrderValue * customer.SpendRate;
        var gross = Math.Max(1m, Math.Round((decimal)Gamma.Sample(random, shape, customer.SpendRate), 2));
        var discount = discounted ? Math.Round(gross * (decimal)discountRate, 2) : 0m;
        return new SyntheticOrder(day, gross, discount, discounted ? promotionCode ?? PromotionCode : promotionCode, campaignCode);
    }

    private static SyntheticCustomer Draw(Random random, GeneratorParameters parameters, int index, bool prospect)
    {
        var type = PickType(random, prospect ? parameters.ProspectShares : parameters.CustomerShares);
        var behaviour = parameters.Types[type];
        var lambda = Gamma.Sample(random, behaviour.PurchaseShape, behaviour.PurchaseRate);
        var dropout = Beta.Sample(random, behaviour.DropoutA, behaviour.DropoutB);
        var nu = Gamma.Sample(random, behaviour.SpendQ, behaviour.SpendGamma);
        var mailConsent = random.NextDouble() < parameters.MailConsentShare;
        var hasPhone = random.NextDouble() < parameters.PhoneShare;
        var phoneConsent = hasPhone && random.NextDouble() < parameters.PhoneConsentShare;
        var joined = prospect ? 0 : -parameters.HistoryDays * random.NextDouble();
        var customer = new SyntheticCustomer
        {
            Index = index,
            ExternalId = (prospect ? "p" : "c") + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
            IsProspect = prospect,
            Type = type,
            PurchasesPerWeek = lambda,
            Dropout = dropout,
            MeanOrderValue = behaviour.SpendP / nu,
            SpendRate = nu,
            DiscountedShare = behaviour.DiscountedShare,
            AliveAtEnd = true,
            JoinedDay = joined,
            MailConsent = mailConsent,
            Phone = hasPhone ? "+44770" + (prospect ? "1" : "0") + index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) : null,
            PhoneConsent = phoneConsent,
            Orders = [],
        };
        if (prospect)
        {
            return customer;
        }

        var orders = new List<SyntheticOrder>();
        var day = joined;
        var alive = true;
        while (true)
        {
            orders.Add(Order(random, customer, day, random.NextDouble() < behaviour.DiscountedShare));
            if (random.NextDouble() < dropout)
            {
                alive = false;
                break;
            }

            day += Exponential.Sample(random, lambda / 7);
            if (day >= 0)
            {
                break;
            }
        }

        return customer with { Orders = orders, AliveAtEnd = alive };
    }

    private static CustomerType PickType(Random random, IReadOnlyDictionary<CustomerType, double> shares)
    {
        var u = random.NextDouble();
        var cumulative = 0.0;
        foreach (var type in Enum.GetValues<CustomerType>())
        {
            cumulative += shares.GetValueOrDefault(type);
            if (u < cumulative)
            {
                return type;
            }
        }

        return CustomerType.Regular;
    }
}
