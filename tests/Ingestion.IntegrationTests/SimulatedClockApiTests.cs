using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>
/// A service started with <c>Clock:Start</c> runs on the simulated clock: <c>/admin/clock</c> reads and advances it (forward
/// only, admin key required), and what the service checks against "now" (an order not more than a day ahead) follows it.
/// </summary>
public sealed class SimulatedClockApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2030, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private ServiceTestHost<Program> _host = null!;

    public async Task InitializeAsync() => _host = await ServiceTestHost<Program>.StartAsync("ingestion_clock", new ServiceTestHostOptions
    {
        Settings = new Dictionary<string, string?> { ["Clock:Start"] = "2030-01-05T09:00:00Z" },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Clock_StartsAtTheConfiguredTime_AndAdvancesForwardOnly()
    {
        using var admin = _host.App.CreateAdminClient();
        var clock = await admin.GetFromJsonAsync<JsonElement>("/admin/clock");
        var now = clock.GetProperty("now").GetDateTimeOffset();
        Assert.InRange(now, Start, Start.AddMinutes(10)); // the start plus the real seconds the test has taken
        Assert.Equal(Start, clock.GetProperty("start").GetDateTimeOffset());

        var advanced = await admin.PostAsJsonAsync("/admin/clock", new { advanceTo = "2030-02-01T00:00:00Z" });
        Assert.Equal(HttpStatusCode.OK, advanced.StatusCode);
        var after = (await advanced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("now").GetDateTimeOffset();
        Assert.InRange(after, new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 2, 1, 0, 10, 0, TimeSpan.Zero));

        await ProblemAssert.HasProblemAsync(await admin.PostAsJsonAsync("/admin/clock", new { advanceTo = "2030-01-20T00:00:00Z" }), HttpStatusCode.BadRequest, "advanceTo");
        await ProblemAssert.HasProblemAsync(await admin.PostAsJsonAsync("/admin/clock", new { }), HttpStatusCode.BadRequest, "advanceTo");
        await ProblemAssert.HasProblemAsync(await admin.PostAsJsonAsync("/admin/clock", new { advanceTo = "soon" }), HttpStatusCode.BadRequest, "advanceTo");
        var still = (await admin.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        Assert.True(still >= after, "a refused jump changes nothing");
    }

    [Fact]
    public async Task Clock_NeedsTheAdminKey()
    {
        using var anonymous = _host.App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/clock")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/admin/clock", new { advanceTo = "2031-01-01T00:00:00Z" })).StatusCode);
    }

    [Fact]
    public async Task OrderDays_AheadOfTheSimulatedNow_IsRefused_UntilTheClockGetsThere()
    {
        using var admin = _host.App.CreateAdminClient();
        var now = (await admin.GetFromJsonAsync<JsonElement>("/admin/clock")).GetProperty("now").GetDateTimeOffset();
        (await _host.Client.PostAsJsonAsync("/v1/customers", new { source = "clock", externalId = "c1" })).EnsureSuccessStatusCode();
        var order = new
        {
            source = "clock", orderId = "future-1", customerExternalId = "c1", occurredAt = now.AddDays(5).ToString("O"),
            grossAmount = 10m, currency = "EUR",
        };

        await ProblemAssert.HasProblemAsync(await _host.Client.PostAsJsonAsync("/v1/transactions", order), HttpStatusCode.BadRequest, "occurredAt");

        (await admin.PostAsJsonAsync("/admin/clock", new { advanceTo = now.AddDays(5).ToString("O") })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await _host.Client.PostAsJsonAsync("/v1/transactions", order)).StatusCode);
    }
}
