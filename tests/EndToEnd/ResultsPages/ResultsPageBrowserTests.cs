using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;

namespace EndToEnd.ResultsPages;

/// <summary>
/// The results pages in a real browser: the campaign page renders its SVG charts (elements there, with a size), writes
/// nothing to the console, shows the XSS name as text, and every figure it marks equals the results API's value; the
/// index shows each campaign's headline as the marketer list gives it and links to the campaign's page.
/// </summary>
[Collection(ResultsPagesTests.Name)]
public sealed class ResultsPageBrowserTests(ResultsCampaign campaign) : IDisposable
{
    private static readonly string[] Charts = ["response-rate", "response-lift", "conversion-lift", "revenue-lift", "roi"];

    private readonly HttpClient _client = campaign.Services.CreateClient();
    private readonly Browser _browser = new();

    public void Dispose()
    {
        _browser.Dispose();
        _client.Dispose();
    }

    [Fact]
    public async Task CampaignPage_RendersItsCharts_AndEveryFigureEqualsTheResultsApi()
    {
        var driver = _browser.Driver;
        SignIn();
        driver.Navigate().GoToUrl(new Uri(campaign.Services.Gateway, $"/pages/campaigns/{campaign.CampaignId}"));
        var results = await _client.GetFromJsonAsync<JsonElement>($"/measurement/v1/campaigns/{campaign.CampaignId}/results");

        // The name is text, not markup: the heading shows it literally and the page has no script element at all.
        Assert.Equal(ResultsCampaign.Name, driver.FindElement(By.Id("campaign-name")).Text);
        Assert.Empty(driver.FindElements(By.TagName("script")));

        foreach (var name in Charts)
        {
            var chart = driver.FindElement(By.CssSelector($"svg[data-chart='{name}']"));
            Assert.True(chart.Displayed && chart.Size.Width > 0 && chart.Size.Height > 0, $"chart {name} has no size");
        }

        var bars = driver.FindElements(By.CssSelector("svg[data-chart='response-rate'] rect.bar"));
        Assert.Equal(["control", "mail", "mail_call"], bars.Select(b => b.GetAttribute("data-cell")).Order(StringComparer.Ordinal));
        Assert.All(bars, b => Assert.True(b.Size.Width > 0 && b.Size.Height > 0));
        var points = driver.FindElements(By.CssSelector("svg[data-chart='response-lift'] rect.pt"));
        Assert.Equal(2, points.Count);
        Assert.All(points, p => Assert.True(p.Size.Width > 0));
        Assert.Equal(2, driver.FindElements(By.CssSelector("svg[data-chart='response-lift'] line.ci")).Count);

        // Every figure: its data-value is the value at its JSON pointer in the results API's answer, exactly as written there.
        var figures = driver.FindElements(By.CssSelector("[data-path]"));
        var compared = 0;
        foreach (var figure in figures)
        {
            var path = figure.GetAttribute("data-path")!;
            Assert.StartsWith("/results/", path, StringComparison.Ordinal);
            var expected = Resolve(results, path["/results".Length..]);
            var actual = figure.GetAttribute("data-value");
            Assert.True(Same(expected, actual), $"{path}: page {actual}, API {expected?.GetRawText() ?? "absent"}");
            compared++;
        }

        Assert.True(compared > 100, $"only {compared} figures marked");
        var responseRate = driver.FindElement(By.CssSelector("[data-cell='mail_call'][data-metric='response-rate']"));
        Assert.Equal(Percent(Resolve(results, "/cells/2/responseRate/value")!.Value.GetDouble()), responseRate.Text);

        var verdicts = driver.FindElements(By.CssSelector("[data-verdict]"));
        Assert.Equal(2, verdicts.Count);
        var mailCall = driver.FindElement(By.CssSelector("[data-verdict='mail_call']")).Text;
        Assert.StartsWith("mail_call (mail, then call) raised the response rate by", mailCall, StringComparison.Ordinal);
        Assert.Contains("(95% CI", mailCall, StringComparison.Ordinal);
        Assert.Equal("healthy", driver.FindElement(By.CssSelector("[data-health]")).GetAttribute("data-health"));
        Assert.Contains("The test is healthy.", driver.FindElement(By.CssSelector("[data-health]")).Text, StringComparison.Ordinal);
        Assert.NotEmpty(driver.FindElements(By.CssSelector("table[data-table='acquisition'] [data-metric='repeat-30']")));
        Assert.Empty(_browser.ConsoleErrors());
    }

    [Fact]
    public async Task IndexPage_ShowsEachCampaignsHeadline_AsTheMarketerListGivesIt_AndLinksToItsPage()
    {
        var driver = _browser.Driver;
        SignIn();
        driver.Navigate().GoToUrl(new Uri(campaign.Services.Gateway, "/pages/campaigns"));
        var list = await _client.GetFromJsonAsync<JsonElement>("/marketing/v1/campaigns");

        var row = driver.FindElement(By.CssSelector($"tr[data-campaign='{campaign.CampaignId}']"));
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == campaign.CampaignId);
        var figures = row.FindElements(By.CssSelector("[data-path]"));
        Assert.True(figures.Count >= 6);
        foreach (var figure in figures)
        {
            var path = figure.GetAttribute("data-path")!;
            Assert.True(Same(Resolve(item, path), figure.GetAttribute("data-value")), $"{path}: page {figure.GetAttribute("data-value")}");
        }

        Assert.Equal("healthy", row.FindElement(By.CssSelector("[data-health]")).GetAttribute("data-health"));
        Assert.Contains("not launched yet", driver.FindElement(By.CssSelector($"tr[data-campaign='{campaign.DraftId}']")).Text, StringComparison.Ordinal);

        row.FindElement(By.TagName("a")).Click();
        Assert.Equal(ResultsCampaign.Name, driver.FindElement(By.Id("campaign-name")).Text);
        Assert.NotEmpty(driver.FindElements(By.CssSelector("svg[data-chart='response-rate']")));
        Assert.Empty(_browser.ConsoleErrors());
    }

    /// <summary>
    /// A browser has no bearer header: the pages send it to the sign-in form first; it signs in there with a key holding
    /// only the marketer scope (the cookie it gets is what the pages accept).
    /// </summary>
    private void SignIn()
    {
        _browser.Driver.Navigate().GoToUrl(new Uri(campaign.Services.Gateway, $"/pages/campaigns/{campaign.CampaignId}"));
        Assert.Equal("/sign-in", new Uri(_browser.Driver.Url).AbsolutePath);
        _browser.SignIn(campaign.Services.Gateway, campaign.MarketerKey);
    }

    /// <summary>The value at a JSON pointer (RFC 6901), null when absent.</summary>
    private static JsonElement? Resolve(JsonElement root, string pointer)
    {
        JsonElement current = root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var part = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
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

    /// <summary>A page's data-value against the API's value: numbers equal as doubles, text and flags as written, null as "".</summary>
    private static bool Same(JsonElement? expected, string? actual) => expected switch
    {
        null or { ValueKind: JsonValueKind.Null } => actual == "",
        { ValueKind: JsonValueKind.Number } e => double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == e.GetDouble(),
        { ValueKind: JsonValueKind.String } e => e.GetString() == actual,
        { } e => e.GetRawText() == actual,
    };

    private static string Percent(double rate) => (rate * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
