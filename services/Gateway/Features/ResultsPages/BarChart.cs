using System.Text;

namespace Gateway.Features.ResultsPages;

/// <summary>
/// Horizontal bars of a rate per cell with its interval as an error bar (control's bar in grey), drawn as inline SVG:
/// no script, no external asset.
/// </summary>
public static class BarChart
{
    public const double Width = 720;
    public const double LabelWidth = 170;
    public const double ValueWidth = 90;
    public const double RowHeight = 30;
    public const double Top = 12;
    public const double AxisHeight = 28;

    /// <summary>The SVG (<paramref name="name"/> becomes <c>data-chart</c>); <paramref name="tick"/> writes the axis labels.</summary>
    public static string Render(string name, string title, IReadOnlyList<ChartRow> rows, Func<double, string> tick, string? controlCell = "control")
    {
        var height = Top + (rows.Count * RowHeight) + AxisHeight;
        var scale = LinearScale.Covering(rows.SelectMany(r => new[] { r.Value, r.Upper }), includeZero: true, LabelWidth, Width - ValueWidth);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" data-chart=\"{Html.Encode(name)}\" width=\"{Html.Px(Width)}\" height=\"{Html.Px(height)}\" viewBox=\"0 0 {Html.Px(Width)} {Html.Px(height)}\">")
            .Append("<title>").Append(Html.Encode(title)).Append("</title>");
        var axisY = Top + (rows.Count * RowHeight);
        foreach (var t in scale.Ticks(7))
        {
            var x = Html.Px(scale.Map(t));
            svg.Append($"<line class=\"grid\" x1=\"{x}\" y1=\"{Html.Px(Top)}\" x2=\"{x}\" y2=\"{Html.Px(axisY)}\"/>")
                .Append($"<text x=\"{x}\" y=\"{Html.Px(axisY + 18)}\" text-anchor=\"middle\">{Html.Encode(tick(t))}</text>");
        }

        svg.Append($"<line class=\"axis\" x1=\"{Html.Px(LabelWidth)}\" y1=\"{Html.Px(axisY)}\" x2=\"{Html.Px(Width - ValueWidth)}\" y2=\"{Html.Px(axisY)}\"/>");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = Top + (i * RowHeight);
            var middle = y + (RowHeight / 2);
            svg.Append($"<text x=\"{Html.Px(LabelWidth - 8)}\" y=\"{Html.Px(middle + 4)}\" text-anchor=\"end\">{Html.Encode(Shorten(row.Label))}</text>");
            if (row.Value is { } value)
            {
                var x0 = scale.Map(0);
                var x1 = scale.Map(value);
                var css = row.Cell == controlCell ? "bar control" : "bar";
                svg.Append($"<rect class=\"{css}\" data-cell=\"{Html.Encode(row.Cell)}\" x=\"{Html.Px(Math.Min(x0, x1))}\" y=\"{Html.Px(y + 6)}\" width=\"{Html.Px(Math.Max(1, Math.Abs(x1 - x0)))}\" height=\"{Html.Px(RowHeight - 12)}\"/>");
            }

            if (row.Lower is not null || row.Upper is not null)
            {
                var lo = scale.Map(row.Lower ?? scale.Min);
                var hi = scale.Map(row.Upper ?? scale.Max);
                svg.Append($"<line class=\"err\" data-cell=\"{Html.Encode(row.Cell)}\" x1=\"{Html.Px(lo)}\" y1=\"{Html.Px(middle)}\" x2=\"{Html.Px(hi)}\" y2=\"{Html.Px(middle)}\"/>")
                    .Append($"<line class=\"err\" x1=\"{Html.Px(lo)}\" y1=\"{Html.Px(middle - 6)}\" x2=\"{Html.Px(lo)}\" y2=\"{Html.Px(middle + 6)}\"/>")
                    .Append($"<line class=\"err\" x1=\"{Html.Px(hi)}\" y1=\"{Html.Px(middle - 6)}\" x2=\"{Html.Px(hi)}\" y2=\"{Html.Px(middle + 6)}\"/>");
            }

            svg.Append($"<text x=\"{Html.Px(Width - ValueWidth + 8)}\" y=\"{Html.Px(middle + 4)}\">{Html.Encode(row.ValueText)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Labels longer than fit beside the chart are cut with an ellipsis (the full name is in the tables).</summary>
    public static string Shorten(string label) => label.Length <= 24 ? label : label[..23] + "…";
}
