using System.Globalization;
using System.Xml.Linq;
using Gateway.Features.ResultsPages;

namespace Gateway.Tests.ResultsPages;

/// <summary>The charts are well-formed SVG whose marks sit where the scale puts them.</summary>
public sealed class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void BarChart_BarLengthsAreProportionalToTheRates_AndErrorBarsSpanTheIntervals()
    {
        var rows = new List<ChartRow>
        {
            new("control", "control", 0.04, 0.03, 0.05, "4.0%"),
            new("mail", "mail", 0.08, 0.07, 0.09, "8.0%"),
        };

        var svg = XElement.Parse(BarChart.Render("response-rate", "Response rate", rows, t => NumberFormat.Percent(t)));

        Assert.Equal("response-rate", (string?)svg.Attribute("data-chart"));
        var bars = svg.Descendants(Svg + "rect").Where(r => ((string?)r.Attribute("class"))?.StartsWith("bar", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["control", "mail"], bars.Select(b => (string?)b.Attribute("data-cell")));
        Assert.Equal("bar control", (string?)bars[0].Attribute("class"));
        var widths = bars.Select(b => Number(b, "width")).ToList();
        Assert.Equal(2.0, widths[1] / widths[0], 2); // 8% is twice as long as 4%
        Assert.All(bars, b => Assert.Equal(BarChart.LabelWidth, Number(b, "x"), 1));

        var scale = LinearScale.Covering([0.04, 0.05, 0.08, 0.09], includeZero: true, BarChart.LabelWidth, BarChart.Width - BarChart.ValueWidth);
        var error = svg.Descendants(Svg + "line").First(l => (string?)l.Attribute("data-cell") == "mail");
        Assert.Equal(scale.Map(0.07), Number(error, "x1"), tolerance: 0.01);
        Assert.Equal(scale.Map(0.09), Number(error, "x2"), tolerance: 0.01);
    }

    [Fact]
    public void ForestPlot_PointAtTheEstimate_LineOverTheInterval_ZeroLineAtNoEffect()
    {
        var rows = new List<ChartRow> { new("mail", "mail", 0.03, 0.01, 0.05, "+3.0 points"), new("sms", "sms", -0.01, -0.03, 0.01, "-1.0 points") };

        var svg = XElement.Parse(ForestPlot.Render("response-lift", "Lift", rows, t => NumberFormat.PointsBare(t)));

        var scale = LinearScale.Covering([0.03, 0.01, 0.05, -0.01, -0.03, 0.01], includeZero: true, ForestPlot.LabelWidth + 8, ForestPlot.Width - ForestPlot.ValueWidth - 8);
        var zero = svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "zero");
        Assert.Equal(scale.Map(0), Number(zero, "x1"), tolerance: 0.01);
        var point = svg.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("data-cell") == "mail");
        Assert.Equal(scale.Map(0.03), Number(point, "x") + 5, tolerance: 0.01);
        var negative = svg.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("data-cell") == "sms");
        Assert.Equal("pt neg", (string?)negative.Attribute("class"));
        var line = svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("data-cell") == "mail");
        Assert.Equal(scale.Map(0.01), Number(line, "x1"), tolerance: 0.01);
        Assert.Equal(scale.Map(0.05), Number(line, "x2"), tolerance: 0.01);
        Assert.Empty(svg.Descendants(Svg + "polygon"));
    }

    [Fact]
    public void ForestPlot_UnboundedEnd_RunsToTheEdgeWithAnArrow()
    {
        var rows = new List<ChartRow> { new("mail", "mail", 12.5, 4.0, null, "12.50 EUR") };

        var svg = XElement.Parse(ForestPlot.Render("cpir", "Cost", rows, t => NumberFormat.MoneyBare(t)));

        var line = svg.Descendants(Svg + "line").Single(l => (string?)l.Attribute("data-cell") == "mail");
        Assert.Equal(ForestPlot.Width - ForestPlot.ValueWidth - 8, Number(line, "x2"), tolerance: 0.01);
        Assert.Single(svg.Descendants(Svg + "polygon"));
    }

    [Fact]
    public void Charts_EncodeLabels()
    {
        var rows = new List<ChartRow> { new("<img src=x onerror=alert(1)>", "<b>", 0.1, 0.05, 0.15, "10%") };

        var bar = BarChart.Render("r", "<title>", rows, t => t.ToString(CultureInfo.InvariantCulture));
        var forest = ForestPlot.Render("f", "t", rows, t => t.ToString(CultureInfo.InvariantCulture));

        Assert.DoesNotContain("<img", bar, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", bar, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", forest, StringComparison.Ordinal);
        XElement.Parse(bar); // still well-formed
    }

    private static double Number(XElement element, string attribute) => double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
