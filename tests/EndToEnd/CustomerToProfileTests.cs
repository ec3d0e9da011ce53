using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using MassTransit;
using Npgsql;
using Platform.Testing;

namespace EndToEnd;

/// <summary>
/// The walking skeleton: a customer posted to Ingestion becomes a profile in Segmentation, through Ingestion's
/// outbox, RabbitMQ and Segmentation's inbox. Ingestion reaches the broker through a proxy the tests can cut.
/// </summary>
public sealed class CustomerToProfileTests : IAsyncLifetime
{
    private readonly ConcurrentBag<Activity> _activities = [];
    private ActivityListener _listener = null!;
    private TestVirtualHost _vhost = null!;
    private TestDatabase _ingestionDb = null!;
    private TestDatabase _segmentationDb = null!;
    private TcpProxy _ingestionBroker = null!;
    private ServiceApp<Ingestion.Program> _ingestion = null!;
    private ServiceApp<Segmentation.Program> _segmentation = null!;
    private HttpClient _ingestionClient = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Add,
        };
        ActivitySource.AddActivityListener(_listener);
        _vhost = await TestVirtualHost.CreateAsync("e2e");
        _ingestionDb = await TestDatabase.CreateAsync("e2e_ingestion");
        _segmentationDb = await TestDatabase.CreateAsync("e2e_segmentation");
        _ingestionBroker = TcpProxy.Start(TestServers.RabbitHost, TestServers.RabbitPort);
        _segmentation = new ServiceApp<Segmentation.Program>(ServiceSettings.For(_segmentationDb, _vhost));
        _segmentation.StartServer();
        // Segmentation's queue must be bound before the first event is published.
        await Eventually.TrueAsync(async () => await _vhost.QueueExistsAsync("segmentation-customers-upserted"), "segmentation's queue");
        var ingestionSettings = ServiceSettings.For(_ingestionDb, _vhost, _ingestionBroker.Port);
        ingestionSettings["Outbox:PublishTimeout"] = "00:00:03"; // a publish into the cut broker fails (and is recorded) sooner
        _ingestion = new ServiceApp<Ingestion.Program>(ingestionSettings);
        _ingestionClient = _ingestion.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _ingestionClient.Dispose();
        await _ingestion.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _ingestionBroker.DisposeAsync();
        await _segmentationDb.DisposeAsync();
        await _ingestionDb.DisposeAsync();
        await _vhost.DisposeAsync();
        _listener.Dispose();
    }

    [Fact]
    public async Task PostCustomer_ProfileAppearsInSegmentation()
    {
        var customerId = await PostCustomerAsync("e2e-1", "NL");

        var profile = await WaitForProfileAsync(customerId);

        Assert.Equal("e2e-1", profile.ExternalId);
        Assert.Equal("NL", profile.Country);
    }

    [Fact]
    public async Task PostCustomer_ProfileKeepsPersonDemographicsAcquisitionAndConsents()
    {
        var response = await _ingestionClient.PostAsJsonAsync("/v1/customers", new
        {
            source = "e2e",
            externalId = "e2e-details",
            gender = "male",
            birthDate = "1980-05-17",
            joinDate = "2020-02-02",
            acquisitionChannel = "direct-mail",
            acquisitionCampaign = "WINTER-20",
            consents = new { email = new { granted = true }, sms = new { granted = false } },
        });
        var customerId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
        await WaitForProfileAsync(customerId);

        await using var connection = await _segmentationDb.OpenAsync();
        var details = await connection.QuerySingleAsync<ProfileDetails>("""
            SELECT person_id AS PersonId, gender, birth_year AS BirthYear, join_date::text AS JoinDate, acquisition_channel AS AcquisitionChannel,
                   acquisition_campaign AS AcquisitionCampaign, consent_email AS ConsentEmail, consent_sms AS ConsentSms, consent_mail AS ConsentMail
            FROM customer_profiles WHERE customer_id = @customerId
            """, new { customerId });
        Assert.Equal(new ProfileDetails(customerId, "male", 1980, "2020-02-02", "direct-mail", "WINTER-20", true, false, null), details);
    }

    [Fact]
    public async Task PostCustomer_WhileBrokerIsDown_Succeeds_AndProfileAppearsOnceBrokerIsBack()
    {
        await Eventually.TrueAsync(async () => (await _ingestionClient.GetAsync("/health/ready")).IsSuccessStatusCode, "ingestion connected to the broker");
        _ingestionBroker.Cut();
        await Eventually.TrueAsync(async () => (await _ingestionClient.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "ingestion to report the broker gone");
        var customerId = await PostCustomerAsync("e2e-outage", "DE");

        // Positive marker first: the relay has tried to publish the row and failed; only then is "no profile" meaningful.
        await Eventually.TrueAsync(
            async () => await ScalarAsync<long>(_ingestionDb, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND last_error IS NOT NULL AND message_type LIKE 'Platform.Contracts.Ingestion.CustomersUpserted,%' AND body->'customers'->0->>'customerId' = @id", customerId) == 1,
            "the relay to have tried the customer's event and failed",
            TimeSpan.FromSeconds(60));
        Assert.Null(await ReadProfileAsync(customerId));

        _ingestionBroker.Restore();
        var profile = await WaitForProfileAsync(customerId, TimeSpan.FromSeconds(90));
        Assert.Equal("DE", profile.Country);
    }

    [Fact]
    public async Task Consumer_BelongsToTheSameTraceAsTheHttpRequest()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/customers")
        {
            Content = JsonContent.Create(new { source = "e2e", externalId = "traced" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var response = await _ingestionClient.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var customerId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
        await WaitForProfileAsync(customerId);

        await Eventually.TrueAsync(() => Task.FromResult(_activities.Any(a => a.TraceId == traceId && a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer)), "the consumer's activity in the request's trace");
        Assert.Contains(_activities, a => a.TraceId == traceId && a.Source.Name == "Platform" && a.DisplayName.StartsWith("outbox publish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OlderVersionArrivingLate_DoesNotOverwriteNewerProfile()
    {
        var customerId = await PostCustomerAsync("e2e-order", "FR");
        await WaitForProfileAsync(customerId);
        var bus = (IBus)_segmentation.Services.GetService(typeof(IBus))!;
        var stale = new Platform.Contracts.Ingestion.CustomersUpserted
        {
            Customers =
            [
                new Platform.Contracts.Ingestion.CustomerRecord
                {
                    CustomerId = customerId,
                    PersonId = customerId,
                    Source = "e2e",
                    ExternalId = "e2e-order",
                    Lifecycle = "customer",
                    Country = "XX",
                    Consents = new Platform.Contracts.Ingestion.ChannelConsents { Email = true },
                    UpdatedAt = DateTimeOffset.UnixEpoch,
                },
            ],
        };
        var staleId = NewId.NextGuid();
        await bus.Publish(stale, ctx => ctx.MessageId = staleId);

        await Eventually.TrueAsync(async () => await ScalarAsync<long>(_segmentationDb, "SELECT count(*) FROM inbox_messages WHERE message_id::text = @id", staleId) == 1, "the stale event to be handled");
        Assert.Equal("FR", (await ReadProfileAsync(customerId))!.Country);
        await using var connection = await _segmentationDb.OpenAsync();
        Assert.Null(await connection.ExecuteScalarAsync<bool?>("SELECT consent_email FROM customer_profiles WHERE customer_id = @customerId", new { customerId }));
    }

    private async Task<Guid> PostCustomerAsync(string externalId, string country)
    {
        var response = await _ingestionClient.PostAsJsonAsync("/v1/customers", new { source = "e2e", externalId, country });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customerId").GetGuid();
    }

    private async Task<Profile> WaitForProfileAsync(Guid customerId, TimeSpan? timeout = null) =>
        await Eventually.ValueAsync(() => ReadProfileAsync(customerId), $"profile {customerId}", timeout);

    private async Task<Profile?> ReadProfileAsync(Guid customerId)
    {
        using var client = _segmentation.CreateClient();
        var response = await client.GetAsync($"/v1/profiles/{customerId}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<Profile>();
    }

    private static async Task<T> ScalarAsync<T>(TestDatabase database, string sql, object id)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id.ToString()!);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed record Profile(Guid CustomerId, string ExternalId, string? Country);

    private sealed record ProfileDetails(
        Guid PersonId, string? Gender, int? BirthYear, string? JoinDate, string? AcquisitionChannel, string? AcquisitionCampaign,
        bool? ConsentEmail, bool? ConsentSms, bool? ConsentMail);
}
