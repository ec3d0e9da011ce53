using System.Globalization;

namespace Gateway.Features.ResultsPages;

/// <summary>How the pages write numbers for a reader (invariant culture: the same page on every machine).</summary>
public static class NumberFormat
{
    /// <summary>What the pages show for a value that is undefined.</summary>
    public const string None = "n/a";

    /// <summary>A rate as a percentage: one decimal, two below 0.1% (so a small rate does not read as 0.0%).</summary>
    public static string Percent(double? rate) => rate is { } r ? Fixed(r * 100, Decimals(r)) + "%" : None;

    /// <summary>A difference of rates in percentage points, signed ("+4.1 points"); two decimals below 0.1 points.</summary>
    public static string Points(double? difference) => difference is { } d ? Signed(d * 100, Decimals(d)) + " points" : None;

    /// <summary>A difference of rates in percentage points without the unit (for interval ends).</summary>
    public static string PointsBare(double? difference) => difference is { } d ? Signed(d * 100, Decimals(d)) : None;

    /// <summary>An amount of money with two decimals and thousands separators, then the currency code.</summary>
    public static string Money(double? amount, string currency) => amount is { } a ? a.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency : None;

    /// <summary>An amount of money without the currency (for interval ends).</summary>
    public static string MoneyBare(double? amount) => amount is { } a ? a.ToString("#,##0.00", CultureInfo.InvariantCulture) : None;

    /// <summary>A count with thousands separators.</summary>
    public static string Count(double? count) => count is { } c ? c.ToString("#,##0", CultureInfo.InvariantCulture) : None;

    /// <summary>A ratio as a multiple ("3.2×").</summary>
    public static string Times(double? ratio) => ratio is { } r ? Fixed(r, 1) + "×" : None;

    /// <summary>A p-value: "&lt; 0.001" below that, three decimals below 0.1, else two.</summary>
    public static string PValue(double? p) => p switch
    {
        null => None,
        < 0.001 => "< 0.001",
        < 0.1 => Fixed(p.Value, 3),
        _ => Fixed(p.Value, 2),
    };

    /// <summary>A confidence level as a percentage ("95%").</summary>
    public static string Confidence(double confidence) => (confidence * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary><paramref name="value"/> with <paramref name="decimals"/> decimals, "-0.0" written as "0.0".</summary>
    public static string Fixed(double value, int decimals)
    {
        var text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text.StartsWith('-') && text.Trim('-', '0', '.').Length == 0 ? text[1..] : text;
    }

    private static int Decimals(double fraction) => Math.Abs(fraction) < 0.001 && fraction != 0 ? 2 : 1;

    private static string Signed(double value, int decimals)
    {
        var text = Fixed(value, decimals);
        return text.StartsWith('-') || text.Trim('0', '.').Length == 0 ? text : "+" + text;
    }
}
