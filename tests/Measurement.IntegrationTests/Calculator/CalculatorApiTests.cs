using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Measurement.IntegrationTests.Calculator;

/// <summary>
/// The statistics calculator over HTTP: answers equal the reference values computed with SciPy / statsmodels
/// (Platform.Numerics.Tests/Statistics/reference_values.py), bad input is a 400 problem naming every bad field, and the
/// OpenAPI document describes each endpoint.
/// </summary>
public sealed class CalculatorApiTests : IAsyncLifetime
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Calculator", "reference_values.json"))).RootElement;

    private MeasurementTestHost _host = null!;

    public async Task InitializeAsync() => _host = await MeasurementTestHost.StartAsync("measurement-calculator");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("rates", 0)]
    [InlineData("rates", 2)]
    [InlineData("means", 1)]
    public async Task Compare_AnswersTheReferenceValues(string section, int index)
    {
        var c = Reference.GetProperty(section)[index];
        var body = new JsonObject
        {
            ["control"] = JsonNode.Parse(c.GetProperty("control").GetRawText()),
            ["treatments"] = new JsonArray(JsonNode.Parse(c.GetProperty("treatment").GetRawText())),
            ["confidence"] = c.GetProperty("confidence").GetDouble(),
            ["sequentialTuning"] = c.GetProperty("sequentialTuning").GetDouble(),
        };

        using var response = await _host.Client.PostAsJsonAsync("/v1/stats/compare", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(section == "rates" ? "rate" : "mean", answer.GetProperty("metric").GetString());
        var lift = answer.GetProperty("treatments")[0].GetProperty("lift");
        AssertLift(c, lift);
        Assert.Equal(lift.GetProperty("pValue").GetDouble(), lift.GetProperty("pValueHolm").GetDouble());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("treatments")[0].GetProperty("cuped").ValueKind);
    }

    [Fact]
    public async Task Compare_WithTheCovariate_AnswersTheCupedReferenceBesideTheUnadjusted()
    {
        var c = Reference.GetProperty("cuped")[0];
        var body = new JsonObject
        {
            ["control"] = JsonNode.Parse(c.GetProperty("control").GetRawText()),
            ["treatments"] = new JsonArray(JsonNode.Parse(c.GetProperty("treatment").GetRawText())),
        };

        using var response = await _host.Client.PostAsJsonAsync("/v1/stats/compare", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var arm = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("treatments")[0];
        var cuped = arm.GetProperty("cuped");
        Close(c.GetProperty("theta").GetDouble(), cuped.GetProperty("theta").GetDouble(), 1e-8);
        Close(c.GetProperty("varianceReduction").GetDouble(), cuped.GetProperty("varianceReduction").GetDouble(), 1e-7);
        AssertLift(c, cuped.GetProperty("lift"), 1e-7);
        Assert.Contains("CUPED", cuped.GetProperty("lift").GetProperty("method").GetString(), StringComparison.Ordinal);
        Assert.Contains("Welch", arm.GetProperty("lift").GetProperty("method").GetString(), StringComparison.Ordinal);
        Assert.True(cuped.GetProperty("lift").GetProperty("standardError").GetDouble() < arm.GetProperty("lift").GetProperty("standardError").GetDouble());
    }

    [Fact]
    public async Task Power_AndSrm_AnswerTheReferenceValues()
    {
        var mde = Reference.GetProperty("powerMeans")[1];
        var srm = Reference.GetProperty("srm")[1];

        using var power = await _host.Client.PostAsJsonAsync("/v1/stats/power", new
        {
            metric = "mean",
            standardDeviation = mde.GetProperty("standardDeviation").GetDouble(),
            controlSize = mde.GetProperty("controlSize").GetDouble(),
            treatedSize = mde.GetProperty("treatedSize").GetDouble(),
            power = mde.GetProperty("power").GetDouble(),
            alpha = mde.GetProperty("alpha").GetDouble(),
        });
        using var ratio = await _host.Client.PostAsJsonAsync("/v1/stats/srm", new
        {
            observed = JsonNode.Parse(srm.GetProperty("observed").GetRawText()),
            shares = JsonNode.Parse(srm.GetProperty("shares").GetRawText()),
        });

        Assert.Equal(HttpStatusCode.OK, power.StatusCode);
        Close(mde.GetProperty("lift").GetDouble(), (await power.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("minimumDetectableLift").GetDouble(), 1e-7);
        Assert.Equal(HttpStatusCode.OK, ratio.StatusCode);
        var answer = await ratio.Content.ReadFromJsonAsync<JsonElement>();
        Close(srm.GetProperty("chiSquare").GetDouble(), answer.GetProperty("chiSquare").GetDouble());
        Close(srm.GetProperty("pValue").GetDouble(), answer.GetProperty("pValue").GetDouble(), 1e-8, 1e-300);
        Assert.Equal(srm.GetProperty("pValue").GetDouble() < 0.001, answer.GetProperty("mismatch").GetBoolean());
    }

    [Fact]
    public async Task Compare_RefusesBadFields_NamingEachOne()
    {
        var body = new
        {
            control = new { units = -5, conversions = 3 },
            treatments = new object[]
            {
                new { units = 10, conversions = 12 },
                new { units = 100, conversions = 5, covariateSum = 3.0 },
            },
            confidence = 1.5,
        };

        using var response = await _host.Client.PostAsJsonAsync("/v1/stats/compare", body);

        var errors = await ProblemFieldsAsync(response);
        Assert.Equal(["confidence", "control.units", "treatments[0].conversions", "treatments[1].covariateSum"], errors);
    }

    [Fact]
    public async Task Compare_RefusesAVarianceBelowZero()
    {
        using var response = await _host.Client.PostAsJsonAsync("/v1/stats/compare", new
        {
            control = new { units = 100, sum = 1_000.0, sumOfSquares = 20_000.0 },
            treatments = new[] { new { units = 100, sum = 1_000.0, sumOfSquares = 9_999.0 } },
        });

        Assert.Equal(["treatments[0].sumOfSquares"], await ProblemFieldsAsync(response));
    }

    [Theory]
    [InlineData("""{"control":{"units":10,"conversions":1},"treatments":[{"units":10,"conversions":2,"colour":"red"}]}""", "treatments[0].colour")]
    [InlineData("""{"control":{"units":10,"conversions":1},"treatments":[{"units":10,"conversions":"NaN"}]}""", "treatments[0].conversions")]
    [InlineData("""{"control":{"units":1e400,"conversions":1},"treatments":[{"units":10,"conversions":2}]}""", "control.units")]
    public async Task Compare_RefusesUnknownPropertiesAndNumbersThatAreNotFinite(string json, string field)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await _host.Client.PostAsync(new Uri("/v1/stats/compare", UriKind.Relative), content);

        Assert.Contains(field, await ProblemFieldsAsync(response));
    }

    [Fact]
    public async Task PowerAndSrm_RefuseBadFields_NamingEachOne()
    {
        using var power = await _host.Client.PostAsJsonAsync("/v1/stats/power", new { metric = "rate", baseline = 0, controlSize = -1, treatedSize = 10, power = 2 });
        using var srm = await _host.Client.PostAsJsonAsync("/v1/stats/srm", new { observed = new[] { 10.0, -1 }, shares = new[] { 1.0, 0 } });

        Assert.Equal(["baseline", "controlSize", "power"], await ProblemFieldsAsync(power));
        Assert.Equal(["observed[1]", "shares[1]"], await ProblemFieldsAsync(srm));
    }

    [Fact]
    public async Task OpenApi_DescribesEachEndpoint_WithSummaryOperationIdAndItsBadRequest()
    {
        var document = JsonNode.Parse(await _host.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;

        foreach (var (path, id) in new[] { ("/v1/stats/compare", "compareArms"), ("/v1/stats/power", "powerAnalysis"), ("/v1/stats/srm", "sampleRatioMismatch") })
        {
            var post = document["paths"]![path]!["post"]!;
            Assert.Equal(id, post["operationId"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(post["summary"]?.GetValue<string>()));
            Assert.NotNull(post["responses"]!["400"]);
            Assert.NotNull(post["responses"]!["200"]);
        }
    }

    private static async Task<List<string>> ProblemFieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
    }

    private static void AssertLift(JsonElement expected, JsonElement lift, double relative = 1e-9)
    {
        Close(expected.GetProperty("absolute").GetDouble(), lift.GetProperty("absolute").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("interval")[0].GetDouble(), lift.GetProperty("absoluteInterval").GetProperty("lower").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("interval")[1].GetDouble(), lift.GetProperty("absoluteInterval").GetProperty("upper").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("statistic").GetDouble(), lift.GetProperty("statistic").GetDouble(), relative);
        Close(expected.GetProperty("pValue").GetDouble(), lift.GetProperty("pValue").GetDouble(), Math.Max(relative, 1e-8), 1e-15);
        Close(expected.GetProperty("relative").GetDouble(), lift.GetProperty("relative").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("relativeInterval")[0].GetDouble(), lift.GetProperty("relativeInterval").GetProperty("lower").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("relativeInterval")[1].GetDouble(), lift.GetProperty("relativeInterval").GetProperty("upper").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("sequentialInterval")[0].GetDouble(), lift.GetProperty("sequentialInterval").GetProperty("lower").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("sequentialInterval")[1].GetDouble(), lift.GetProperty("sequentialInterval").GetProperty("upper").GetDouble(), relative, 1e-12);
        Close(expected.GetProperty("sequentialPValue").GetDouble(), lift.GetProperty("sequentialPValue").GetDouble(), Math.Max(relative, 1e-8), 1e-15);
        if (expected.TryGetProperty("df", out var df))
        {
            Close(df.GetDouble(), lift.GetProperty("degreesOfFreedom").GetDouble(), 1e-7);
        }
    }

    private static void Close(double expected, double actual, double relative = 1e-9, double absolute = 1e-12)
    {
        var tolerance = Math.Max(absolute, relative * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R}");
    }
}
