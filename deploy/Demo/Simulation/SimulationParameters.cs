namespace Demo.Simulation;

/// <summary>
/// The true effects the channel simulator answers with (documented ground truth; chosen big enough that the intervals
/// at the demo's sizes are informative).
/// Retention: a mailed customer responds (a "converted" response and an order with the campaign's code, 1.5–5 days
/// later) with <see cref="MailResponse"/> by type; an outbound call is answered with <see cref="CallAnswer"/> and the
/// answering customer responds with <see cref="CallResponse"/> (order 0–2 days later); customers who already dropped out
/// respond at <see cref="DroppedOutFactor"/> of those rates; opt-outs with <see cref="MailOptOut"/> and, among answered
/// calls, <see cref="CallOptOut"/> (an opted-out customer responds to nothing more). Everyone still alive keeps buying
/// organically at their own rate, treated or not (control's purchases are organic only).
/// Acquisition: a mailed prospect takes the discount offer with <see cref="DiscountConversion"/> or the service offer
/// with <see cref="ServiceConversion"/> (first order 1.5–7 days later); prospects also start buying on their own with
/// <see cref="OrganicFirstPurchasePerWeek"/>; once they have bought they repeat at their type's BG/NBD behaviour (deal
/// seekers buy less often and leave sooner).
/// </summary>
public sealed record SimulationParameters
{
    public int ResponseWindowDays { get; init; } = 30;

    public TypeRates MailResponse { get; init; } = new(0.14, 0.10, 0.06);

    public double CallAnswer { get; init; } = 0.65;

    public TypeRates CallResponse { get; init; } = new(0.30, 0.22, 0.10);

    public double DroppedOutFactor { get; init; } = 0.4;

    public double MailOptOut { get; init; } = 0.01;

    public double CallOptOut { get; init; } = 0.04;

    public TypeRates DiscountConversion { get; init; } = new(0.03, 0.04, 0.10);

    public TypeRates ServiceConversion { get; init; } = new(0.045, 0.035, 0.02);

    public TypeRates OrganicFirstPurchasePerWeek { get; init; } = new(0.0015, 0.0012, 0.0010);

    /// <summary>The discount offer's face value (taken off the first order).</summary>
    public decimal DiscountValue { get; init; } = 10m;

    /// <summary>The parameters the demo runs with.</summary>
    public static SimulationParameters Default { get; } = new();
}
