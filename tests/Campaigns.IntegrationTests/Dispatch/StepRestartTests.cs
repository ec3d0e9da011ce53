using Platform.Testing;
using static Campaigns.IntegrationTests.Dispatch.DispatchTestHost;

namespace Campaigns.IntegrationTests.Dispatch;

/// <summary>
/// A step that dies after some chunks (a statement fails inside chunk 4, as a killed process would leave it) while two
/// instances compete for its job: the retry resumes, and every member ends with exactly one contact and one published
/// record.
/// </summary>
public sealed class StepRestartTests : IAsyncLifetime
{
    private DispatchTestHost _host = null!;

    public async Task InitializeAsync() => _host = await DispatchTestHost.StartAsync("campaigns-restart", extra: new Dictionary<string, string?> { ["Dispatch:ChunkSize"] = "10" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Step_FailingAfterChunkK_ResumesWithoutLosingOrDoublingContacts()
    {
        await using var replica = await _host.Host.StartReplicaAsync();
        var campaign = await _host.AddCampaignAsync(NewDesign("r1", [Cell("a", Step(1, ["email"]))]));
        var members = new List<Guid>();
        for (var i = 0; i < 100; i++)
        {
            members.Add(await _host.AddCustomerAsync());
            await _host.AssignAsync(campaign, members[^1], "a", clv: i % 7 == 0 ? null : i);
        }

        await _host.Host.ExecuteAsync("""
            CREATE SEQUENCE crash_once;
            CREATE FUNCTION crash_after_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT count(*) FROM contacts WHERE step = 1) >= 30 THEN
                    IF nextval('crash_once') = 1 THEN
                        RAISE EXCEPTION 'simulated crash in chunk 4';
                    END IF;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER crash BEFORE INSERT ON contacts FOR EACH STATEMENT EXECUTE FUNCTION crash_after_chunks();
            """);

        await _host.LaunchAsync(campaign);
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE outcome = 'failed'") == 1, "the step failing in chunk 4");
        Assert.Equal(30, (await _host.ContactsAsync(campaign, 1)).Count);
        _host.Clock.Advance(TimeSpan.FromMinutes(1)); // past the retry's backoff

        var contacts = await _host.WaitForContactsAsync(campaign, 1, 100);
        await Eventually.TrueAsync(async () => await _host.Host.ScalarAsync<string>("SELECT status FROM jobs WHERE unique_key = @key", new { key = $"{campaign}/w1/a/s1" }) == "succeeded", "the step's job done");

        Assert.Equal(100, contacts.Count);
        Assert.Equal(members.Order(), contacts.Select(c => c.CustomerId).Order());
        var published = await _host.PublishedContactsAsync(campaign);
        Assert.Equal(contacts.Select(c => c.ContactId).Order(), published.Select(p => p.ContactId).Order());
        Assert.Equal(2, await _host.Host.ScalarAsync<long>("SELECT count(*) FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.unique_key = @key", new { key = $"{campaign}/w1/a/s1" }));
    }
}
