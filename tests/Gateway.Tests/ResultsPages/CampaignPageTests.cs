using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Features.Marketing;
using Gateway.Features.ResultsPages;

namespace Gateway.Tests.ResultsPages;

/// <summary>
/// The campaign page from a real results answer (Measurement's JSON of the end-to-end test's acquisition campaign, in
/// <c>Data/</c>): every marked figure carries the value at its pointer; data from users is encoded; nothing external.
/// </summary>
public sealed partial class CampaignPageTests
{
    private const string Xss = "<script>alert(1)</script>\"'&";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void EveryMarkedFigure_CarriesTheValueAtItsPointer_ExactlyAsTheApiWroteIt()
    {
        var overview = Overview(Results());
        var html = CampaignPage.Render(overview);

        var figures = FigurePattern().Matches(html);
        Assert.True(figures.Count > 100, $"{figures.Count} figures");
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(overview, Web));
        foreach (Match figure in figures)
        {
            var path = Decode(figure.Groups["path"].Value);
            var value = Decode(figure.Groups["value"].Value);
            var expected = Resolve(document.RootElement, path);
            var raw = expected is { ValueKind: JsonValueKind.String } s ? s.GetString() : expected is { ValueKind: not JsonValueKind.Null } e ? e.GetRawText() : "";
            Assert.True(raw == value, $"{path}: page {value}, JSON {raw}");
        }
    }

    [Fact]
    public void ShowsEverySection_WithVerdictsPerTreatedCell_AndHealthInWords()
    {
        var html = CampaignPage.Render(Overview(Results()));

        foreach (var chart in new[] { "response-rate", "response-lift", "conversion-lift", "revenue-lift", "roi" })
        {
            Assert.Contains($"data-chart=\"{chart}\"", html, StringComparison.Ordinal);
        }

        foreach (var table in new[] { "cells", "lifts", "money", "per-customer", "steps", "acquisition" })
        {
            Assert.Contains($"data-table=\"{table}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("data-verdict=\"mail_call\">mail_call (mail, then call) raised the response rate by 7.7 points (95% CI 5.1 to 10.3) over control.", html, StringComparison.Ordinal);
        Assert.Contains("data-verdict=\"mail\">mail raised the response rate by", html, StringComparison.Ordinal);
        Assert.Contains("The test is healthy.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesAndCellCodesFromData_AreEncoded_AndThePageLoadsNothing()
    {
        var results = Results().Replace("\"mail_call\"", JsonSerializer.Serialize(Xss), StringComparison.Ordinal);
        var html = CampaignPage.Render(Overview(results, Xss));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("'&", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.Contains("<link rel=\"icon\" href=\"data:,\">", html, StringComparison.Ordinal); // no favicon request
    }

    [Fact]
    public void WithoutResults_SaysSo_AndNamesTheFailedPart()
    {
        var overview = new CampaignOverview(Guid.NewGuid(), Design(Xss), null, null, [new PartProblem("results", "Measurement", null, "Measurement did not answer")]);

        var html = CampaignPage.Render(overview);

        Assert.Contains("data-problem=\"results\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No results yet", html, StringComparison.Ordinal); // they may exist: Measurement did not say
        Assert.Contains("No results yet", CampaignPage.Render(overview with { Problems = [] }), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AProblemWithTheTest_IsAWarningInWords()
    {
        var results = JsonNode.Parse(Results())!;
        results["health"]!["sampleRatio"]!["mismatch"] = true;
        results["health"]!["sampleRatio"]!["pValue"] = 0.00001;
        results["health"]!["controlContacts"]!["flagged"] = true;
        results["health"]!["controlContacts"]!["campaignControl"] = 3;

        var html = CampaignPage.Render(Overview(results.ToJsonString()));

        Assert.Contains("data-health=\"warning\"", html, StringComparison.Ordinal);
        Assert.Contains("Warning: the cells&#39; sizes differ from the design (sample-ratio mismatch, p = &lt; 0.001", html, StringComparison.Ordinal);
        Assert.Contains("Warning: 3 contacts were made to control members", html, StringComparison.Ordinal);
        Assert.DoesNotContain("The test is healthy.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralWaves_AndARetentionCampaign_GetTheirSections()
    {
        var results = JsonNode.Parse(Results())!;
        foreach (var cell in results["cells"]!.AsArray())
        {
            var second = cell!["byWave"]![0]!.DeepClone();
            second["key"] = "2";
            cell["byWave"]!.AsArray().Add(second);
        }

        results["quality"] = JsonNode.Parse("""
            {"objective":"retention","acquisition":null,"retention":{"matured":false,"method":"m","cells":[
              {"cell":"mail","members":960,"active":300,"rate":{"value":0.3126,"interval":{"lower":0.28,"upper":0.34},"method":"w"},
               "lift":{"absolute":0.05,"absoluteInterval":{"lower":0.01,"upper":0.09}}}]}}
            """);

        var html = CampaignPage.Render(Overview(results.ToJsonString()));

        Assert.Contains("data-table=\"waves\"", html, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"wave-2-response-rate\"", html, StringComparison.Ordinal);
        Assert.Contains("data-table=\"retention\"", html, StringComparison.Ordinal);
        Assert.Contains("data-path=\"/results/quality/retention/cells/0/rate/value\" data-value=\"0.3126\">31.3%<", html, StringComparison.Ordinal);
        Assert.Contains("Not final: the last wave started less than 90 days ago", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-table=\"acquisition\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void CellLabels_SayWhatEachCellDoes_WithoutRepeatingItsCode()
    {
        var labels = CampaignPage.CellLabels(JsonAt.Root(Design("x"), "/design"));

        Assert.Equal("mail_call (mail, then call)", labels["mail_call"]);
        Assert.False(labels.ContainsKey("mail")); // "mail (mail)" says nothing: the code alone
        Assert.Equal("control (not contacted)", labels["control"]);
    }

    [Fact]
    public void IndexPage_EncodesNames_AndMarksHeadlineFiguresRelativeToTheItem()
    {
        using var lift = JsonDocument.Parse("""{"absolute":0.077,"absoluteInterval":{"lower":0.051,"upper":0.103}}""");
        using var roi = JsonDocument.Parse("""{"value":-0.016,"interval":{"lower":-0.512,"upper":null}}""");
        var id = Guid.NewGuid();
        var page = new CampaignListPage(
            [new CampaignListItem(id, "C1", Xss, "acquisition", "external", "running", null, null,
                new CampaignHeadlineView("mail_call", lift.RootElement, roi.RootElement, true, 0.0001, false))],
            "/pages/campaigns?after=abc&x=<b>", []);

        var html = IndexPage.Render(page);

        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("x=<b>", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/pages/campaigns/{id}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-path=\"/headline/responseLift/absolute\" data-value=\"0.077\">+7.7 points<", html, StringComparison.Ordinal);
        Assert.Contains("data-path=\"/headline/roi/interval/upper\" data-value=\"\">unbounded above<", html, StringComparison.Ordinal);
        Assert.Contains("Warning: sample-ratio mismatch (p = &lt; 0.001)", html, StringComparison.Ordinal);
    }

    private static string Results() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "acquisition_results.json"));

    private static CampaignOverview Overview(string results, string name = "Spring")
    {
        using var document = JsonDocument.Parse(results);
        return new CampaignOverview(document.RootElement.GetProperty("campaign").GetProperty("id").GetGuid(), Design(name), null, document.RootElement.Clone(), []);
    }

    private static JsonElement Design(string name)
    {
        var design = new
        {
            code = "RES-1",
            name,
            objective = "acquisition",
            cells = new object[]
            {
                new { code = "control", share = 0.2, isControl = true, steps = Array.Empty<object>() },
                new { code = "mail", share = 0.4, isControl = false, steps = new object[] { new { number = 1, channels = new[] { "direct_mail" } } } },
                new
                {
                    code = "mail_call",
                    share = 0.4,
                    isControl = false,
                    steps = new object[] { new { number = 1, channels = new[] { "direct_mail" } }, new { number = 2, channels = new[] { "outbound_call" } } },
                },
            },
        };
        return JsonSerializer.SerializeToElement(design, Web);
    }

    private static JsonElement? Resolve(JsonElement root, string pointer)
    {
        var current = root;
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength())
            {
                current = current[i];
            }
            else if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var next))
            {
                current = next;
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static string Decode(string attribute) => System.Net.WebUtility.HtmlDecode(attribute);

    [GeneratedRegex("data-path=\"(?<path>[^\"]*)\" data-value=\"(?<value>[^\"]*)\"")]
    private static partial Regex FigurePattern();
}
