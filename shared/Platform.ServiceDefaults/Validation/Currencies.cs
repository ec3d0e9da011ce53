using System.Collections.Frozen;

namespace Platform.ServiceDefaults.Validation;

/// <summary>
/// Active ISO 4217 currency codes (list one, as amended to 2025: XCG replaced ANG, ZWG replaced ZWL, SLE replaced
/// SLL, HRK and CUC withdrawn). Embedded rather than taken from the OS because invariant globalization has no
/// currency data and the list must be the same on every replica. XXX (no currency) and XTS (testing) are left out:
/// neither can price an order.
/// </summary>
public static class Currencies
{
    private static readonly FrozenSet<string> Active = FrozenSet.ToFrozenSet(
    [
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
        "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP",
        "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD",
        "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
        "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK",
        "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK",
        "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR",
        "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS",
        "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH",
        "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA",
        "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ActiveBySpan = Active.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The interned upper-case code if <paramref name="code"/> (any case, surrounding blanks ignored) is active; else null.</summary>
    public static string? Normalize(ReadOnlySpan<char> code)
    {
        code = code.Trim();
        if (code.Length != 3)
        {
            return null;
        }

        Span<char> upper = stackalloc char[3];
        code.ToUpperInvariant(upper);
        // Returning the set's own instance means millions of imported rows share three strings per currency.
        return ActiveBySpan.TryGetValue(upper, out var actual) ? actual : null;
    }
}
