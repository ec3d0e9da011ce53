using System.Globalization;
using System.Net;
using System.Text;

namespace Gateway.Features.ResultsPages;

/// <summary>
/// Writing the pages' HTML: every text that comes from data (campaign names are user input) goes through
/// <see cref="Encode"/>; figures are spans marked with their cell, metric, JSON pointer and exact value.
/// </summary>
public static class Html
{
    /// <summary>
    /// What the pages may load: nothing from anywhere (no scripts at all, styles inline, the icon a data URL). A name that
    /// slipped through encoding still could not run, and the browser test fails on any blocked load.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Text and attribute values, encoded for HTML: &lt; &gt; &amp; " and ' (attributes are always double-quoted). Not
    /// <c>HtmlEncoder.Default</c>, which also writes "+", "×" and every non-ASCII letter as character references.
    /// </summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>
    /// A figure: <c>&lt;span class="fig" data-cell data-metric data-path data-value&gt;text&lt;/span&gt;</c>, where
    /// <c>data-value</c> is the value exactly as the API wrote it (empty when null) and <c>data-path</c> its JSON pointer.
    /// </summary>
    public static string Figure(JsonAt at, string cell, string metric, Func<double?, string> format) =>
        Figure(at, cell, metric, format(at.Number));

    /// <summary>A figure whose shown text is given.</summary>
    public static string Figure(JsonAt at, string cell, string metric, string text) =>
        $"<span class=\"fig\" data-cell=\"{Encode(cell)}\" data-metric=\"{Encode(metric)}\" data-path=\"{Encode(at.Path)}\" data-value=\"{Encode(at.Raw)}\">{Encode(text)}</span>";

    /// <summary>An interval as "(lower to upper)", each end a figure; a null end reads "unbounded".</summary>
    public static string Interval(JsonAt interval, string cell, string metric, Func<double?, string> format) =>
        "(" + End(interval["lower"], cell, metric + "-lower", format, "unbounded below") + " to "
            + End(interval["upper"], cell, metric + "-upper", format, "unbounded above") + ")";

    /// <summary>
    /// An estimate (<c>{value, interval}</c>) as "value (lower to upper)"; a missing interval (none can be given) is left
    /// out rather than shown as unbounded on both sides.
    /// </summary>
    public static string Estimate(JsonAt estimate, string cell, string metric, Func<double?, string> format, Func<double?, string>? endFormat = null) =>
        Figure(estimate["value"], cell, metric, format) + (estimate["interval"].Exists ? " " + Interval(estimate["interval"], cell, metric, endFormat ?? format) : "");

    /// <summary>The whole page: head with the inline style sheet, then <paramref name="body"/>.</summary>
    public static string Page(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<link rel=\"icon\" href=\"data:,\">")
            .Append("<title>").Append(Encode(title)).Append("</title><style>").Append(Style).Append("</style></head><body>")
            .Append(body)
            .Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>A number for SVG attributes: invariant, two decimals at most.</summary>
    public static string Px(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);

    private static string End(JsonAt end, string cell, string metric, Func<double?, string> format, string unbounded) =>
        Figure(end, cell, metric, end.Number is null ? unbounded : format(end.Number));

    private const string Style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2433;margin:0;background:#f6f7f9}
        main{max-width:1040px;margin:0 auto;padding:24px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d9dde3;padding-bottom:4px}
        h3{font-size:16px;margin:18px 0 6px}
        .meta{color:#5b6474;margin:0 0 12px}
        .card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:12px 16px;margin:12px 0}
        .ok{border-left:5px solid #2e7d32}.warn{border-left:5px solid #c62828}.info{border-left:5px solid #1565c0}
        ul.verdicts{margin:0;padding-left:20px}ul.verdicts li{margin:4px 0}
        table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0;font-size:14px}
        th,td{border:1px solid #e1e4e8;padding:5px 8px;text-align:right;vertical-align:top}
        th:first-child,td:first-child{text-align:left}th{background:#eef1f5;font-weight:600}
        .note{color:#5b6474;font-size:13px}
        svg{display:block;background:#fff;border:1px solid #e1e4e8;border-radius:6px;margin:8px 0;max-width:100%;height:auto}
        svg text{font:12px system-ui,sans-serif;fill:#1d2433}svg .axis{stroke:#9aa3af;stroke-width:1}
        svg .grid{stroke:#eceff3;stroke-width:1}svg .zero{stroke:#5b6474;stroke-width:1.5;stroke-dasharray:4 3}
        svg .bar{fill:#5b8def}svg .bar.control{fill:#9aa3af}svg .err{stroke:#1d2433;stroke-width:1.5}
        svg .ci{stroke:#1d2433;stroke-width:2}svg .pt{fill:#1565c0}svg .pt.neg{fill:#c62828}
        a{color:#1565c0}
        """;
}
