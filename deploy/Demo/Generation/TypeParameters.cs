namespace Demo.Generation;

/// <summary>
/// One customer type's behaviour, as the generator draws it (BG/NBD purchase-and-dropout with Gamma-Gamma spend):
/// purchase rate λ ~ Gamma(<see cref="PurchaseShape"/>, rate <see cref="PurchaseRate"/>) purchases per week while alive;
/// after each purchase the customer drops out with probability p ~ Beta(<see cref="DropoutA"/>, <see cref="DropoutB"/>);
/// an order's gross value ~ Gamma(<see cref="SpendP"/>, rate ν) with ν ~ Gamma(<see cref="SpendQ"/>, rate <see cref="SpendGamma"/>),
/// so the customer's mean order is p/ν and the type's mean order p·γ/(q−1); an order carries a 20% discount and a
/// promotion code with probability <see cref="DiscountedShare"/>.
/// </summary>
public sealed record TypeParameters(
    double PurchaseShape,
    double PurchaseRate,
    double DropoutA,
    double DropoutB,
    double SpendP,
    double SpendQ,
    double SpendGamma,
    double DiscountedShare)
{
    /// <summary>Mean purchases per week of the type's customers while alive.</summary>
    public double MeanPurchasesPerWeek => PurchaseShape / PurchaseRate;

    /// <summary>Mean dropout probability after a purchase.</summary>
    public double MeanDropout => DropoutA / (DropoutA + DropoutB);

    /// <summary>Mean gross order value over the type's customers.</summary>
    public double MeanOrderValue => SpendP * SpendGamma / (SpendQ - 1);
}
