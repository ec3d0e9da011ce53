using System.Text;

namespace Gateway.Features.ResultsPages;

/// <summary>
/// A forest plot: per cell the estimate as a point and its interval as a line, against a dashed line at no effect (0).
/// An interval end that is unbounded runs to the edge of the plot and ends in an arrow.
/// </summary>
public static class ForestPlot
{
    public const double Width = 720;
    public const double LabelWidth = 170;
    public const double ValueWidth = 150;
    public const double RowHeight = 30;
    public const double Top = 12;
    public const double AxisHeight = 28;

    public static string Render(string name, string title, IReadOnlyList<ChartRow> rows, Func<double, string> tick)
    {
        var height = Top + (Math.Max(1, rows.Count) * RowHeight) + AxisHeight;
        var scale = LinearScale.Covering(rows.SelectMany(r => new[] { r.Value, r.Lower, r.Upper }), includeZero: true, LabelWidth + 8, Width - ValueWidth - 8);
        var axisY = Top + (Math.Max(1, rows.Count) * RowHeight);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" data-chart=\"{Html.Encode(name)}\" width=\"{Html.Px(Width)}\" height=\"{Html.Px(height)}\" viewBox=\"0 0 {Html.Px(Width)} {Html.Px(height)}\">")
            .Append("<title>").Append(Html.Encode(title)).Append("</title>");
        foreach (var t in scale.Ticks(7))
        {
            var x = Html.Px(scale.Map(t));
            svg.Append($"<line class=\"grid\" x1=\"{x}\" y1=\"{Html.Px(Top)}\" x2=\"{x}\" y2=\"{Html.Px(axisY)}\"/>")
                .Append($"<text x=\"{x}\" y=\"{Html.Px(axisY + 18)}\" text-anchor=\"middle\">{Html.Encode(tick(t))}</text>");
        }

        var zero = Html.Px(scale.Map(0));
        svg.Append($"<line class=\"zero\" x1=\"{zero}\" y1=\"{Html.Px(Top)}\" x2=\"{zero}\" y2=\"{Html.Px(axisY)}\"/>")
            .Append($"<line class=\"axis\" x1=\"{Html.Px(scale.From)}\" y1=\"{Html.Px(axisY)}\" x2=\"{Html.Px(scale.To)}\" y2=\"{Html.Px(axisY)}\"/>");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var middle = Top + (i * RowHeight) + (RowHeight / 2);
            svg.Append($"<text x=\"{Html.Px(LabelWidth - 8)}\" y=\"{Html.Px(middle + 4)}\" text-anchor=\"end\">{Html.Encode(BarChart.Shorten(row.Label))}</text>");
            if (row.Value is null)
            {
                svg.Append($"<text x=\"{zero}\" y=\"{Html.Px(middle + 4)}\" text-anchor=\"middle\">{NumberFormat.None}</text>");
                continue;
            }

            var lo = scale.Map(row.Lower ?? scale.Min);
            var hi = scale.Map(row.Upper ?? scale.Max);
            svg.Append($"<line class=\"ci\" data-cell=\"{Html.Encode(row.Cell)}\" x1=\"{Html.Px(lo)}\" y1=\"{Html.Px(middle)}\" x2=\"{Html.Px(hi)}\" y2=\"{Html.Px(middle)}\"/>");
            if (row.Lower is null)
            {
                svg.Append(Arrow(lo, middle, -1));
            }

            if (row.Upper is null)
            {
                svg.Append(Arrow(hi, middle, 1));
            }

            var css = row.Value < 0 ? "pt neg" : "pt";
            svg.Append($"<rect class=\"{css}\" data-cell=\"{Html.Encode(row.Cell)}\" x=\"{Html.Px(scale.Map(row.Value.Value) - 5)}\" y=\"{Html.Px(middle - 5)}\" width=\"10\" height=\"10\"/>")
                .Append($"<text x=\"{Html.Px(Width - ValueWidth + 4)}\" y=\"{Html.Px(middle + 4)}\">{Html.Encode(row.ValueText)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>An arrow head at <paramref name="x"/> pointing left (-1) or right (1): the interval goes on beyond the plot.</summary>
    public static string Arrow(double x, double y, int direction) =>
        $"<polygon class=\"ci\" points=\"{Html.Px(x + (direction * 6))},{Html.Px(y)} {Html.Px(x)},{Html.Px(y - 5)} {Html.Px(x)},{Html.Px(y + 5)}\"/>";
}
