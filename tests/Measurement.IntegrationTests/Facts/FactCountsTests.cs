using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Measurement.Features.Facts;
using Measurement.IntegrationTests.Attribution;
using Platform.Testing;

namespace Measurement.IntegrationTests.Facts;

/// <summary>
/// <c>GET /v1/facts/counts</c>: how many purchases and responses of a period Measurement has recorded — the watermark the
/// demo waits for before it reads results (three equal readings did not show that none were still queued).
/// </summary>
public sealed class FactCountsTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset From = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private MeasurementTestHost _host = null!;

    public async Task InitializeAsync() => _host = await MeasurementTestHost.StartAsync("fact-counts");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Counts_ThePurchasesAndResponsesOfThePeriod_OnceRecorded()
    {
        using var driver = new AttributionDriver(_host);
        var customer = Guid.NewGuid();
        await driver.SendAsync(TestEvents.Purchases(
            TestEvents.Purchase(customer, From.AddSeconds(-1), 10), // before the period
            TestEvents.Purchase(customer, From, 20),
            TestEvents.Purchase(customer, From.AddDays(3), 30, isReturn: true),
            TestEvents.Purchase(customer, From.AddDays(10), 40))); // after `to` below
        await driver.SendAsync(TestEvents.Responses(
            TestEvents.Response(customer, "C1", "clicked", From.AddDays(-2)),
            TestEvents.Response(customer, "C1", "clicked", From.AddHours(5))));

        var open = await GetAsync("?from=2026-05-01T00:00:00Z");
        Assert.Equal((3L, 1L), (open.Purchases, open.Responses));
        Assert.Equal(From.AddDays(10), open.LastPurchaseAt);
        Assert.Equal(From.AddHours(5), open.LastResponseAt);
        Assert.Null(open.To);

        var bounded = await GetAsync("?from=2026-05-01T02:00:00%2B02:00&to=2026-05-10T00:00:00Z");
        Assert.Equal(From, bounded.From);
        Assert.Equal((2L, 1L), (bounded.Purchases, bounded.Responses));
        Assert.Equal(From.AddDays(3), bounded.LastPurchaseAt);

        var empty = await GetAsync("?from=2027-01-01T00:00:00Z");
        Assert.Equal((0L, 0L, null, null), (empty.Purchases, empty.Responses, empty.LastPurchaseAt, empty.LastResponseAt));
    }

    [Theory]
    [InlineData("", "from")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-05-01T00:00:00", "from")] // no offset: which zone?
    [InlineData("?from=2026-05-01T00:00:00Z&to=2026-05-01T00:00:00Z", "to")]
    [InlineData("?from=2026-05-01&to=soon", "from", "to")]
    public async Task BadInstants_Are400NamingEachField(string query, params string[] fields)
    {
        var response = await _host.Client.GetAsync("/v1/facts/counts" + query);
        await ProblemAssert.HasProblemAsync(response, HttpStatusCode.BadRequest, fields);
    }

    private async Task<FactCounts> GetAsync(string query)
    {
        var response = await _host.Client.GetAsync("/v1/facts/counts" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FactCounts>(Json))!;
    }
}
