using Dapper;
using Ingestion.Features.Customers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Ingestion.IntegrationTests;

/// <summary>The writer API other features call (imports, transactions, responses), used through DI in a caller's transaction.</summary>
public sealed class CustomerWriterTests(CustomersFixture app) : IClassFixture<CustomersFixture>
{
    private readonly CustomerWriter _customers = app.App.Services.GetRequiredService<CustomerWriter>();
    private readonly ConsentWriter _consents = app.App.Services.GetRequiredService<ConsentWriter>();
    private readonly NpgsqlDataSource _db = app.App.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task CreateMissing_CreatesOnlyUnknownCustomers_AndLeavesKnownOnesUntouched()
    {
        var known = Customer("writer", "known", c => c with { City = "Paris" });
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [known], default));

        var results = await InTransactionAsync(tx => _customers.CreateMissingAsync(tx, [new CustomerKey("Writer", "new"), new CustomerKey("writer", "known"), new CustomerKey("writer", " new ")], default));

        Assert.Equal([CustomerUpsertStatus.Created, CustomerUpsertStatus.Unchanged, CustomerUpsertStatus.Created], results.Select(r => r.Status));
        Assert.Equal("Paris", await app.ScalarAsync<string>("SELECT city FROM customers WHERE customer_id = @Id", new { Id = known.CustomerId }));
        var created = new CustomerKey("writer", "new").CustomerId;
        Assert.Equal("customer", await app.ScalarAsync<string>("SELECT lifecycle FROM customers WHERE customer_id = @Id", new { Id = created }));
        Assert.Single(await app.CustomerEventsAsync(created));
    }

    [Fact]
    public async Task UpsertTwiceInOneTransaction_WritesBothChunks()
    {
        var a = Customer("writer", "chunk-1");
        var b = Customer("writer", "chunk-2");

        await InTransactionAsync(async tx =>
        {
            await _customers.UpsertAsync(tx, [a], default);
            return await _customers.UpsertAsync(tx, [b], default);
        });

        Assert.Equal(2L, await app.ScalarAsync<long>("SELECT count(*) FROM customers WHERE customer_id = ANY(@Ids)", new { Ids = new[] { a.CustomerId, b.CustomerId } }));
    }

    [Fact]
    public async Task Upsert_RolledBack_LeavesNoCustomerAndNoEvent()
    {
        var customer = Customer("writer", "rolled-back");
        await using (var connection = await _db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await _customers.UpsertAsync(tx, [customer], default);
            await tx.RollbackAsync();
        }

        await app.AssertNothingWrittenAsync("rolled-back"); // the external id is in every record
    }

    [Fact]
    public async Task Withdraw_GrantedConsent_WithdrawsIt_BumpsTheVersion_AndPublishAnnouncesIt()
    {
        var customer = Customer("writer", "optout-1", c => c with { Consents = [new NormalizedConsent("email", true, Utc(2024, 1, 1))] });
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));
        var before = await UpdatedAtAsync(customer.CustomerId);

        var changed = await InTransactionAsync(async tx =>
        {
            var withdrawn = await WithdrawOneAsync(tx, customer.CustomerId, ConsentChannels.Email, Utc(2024, 3, 1), "response:r-1");
            await _customers.PublishAsync(tx, [customer.CustomerId], default);
            return withdrawn;
        });

        Assert.True(changed);
        Assert.Equal("response:r-1", await app.ScalarAsync<string>("SELECT origin FROM consents WHERE customer_id = @Id AND channel = 'email' AND NOT granted", new { Id = customer.CustomerId }));
        Assert.True(await UpdatedAtAsync(customer.CustomerId) > before);
        var events = await app.CustomerEventsAsync(customer.CustomerId);
        Assert.False(events[^1].GetProperty("consents").GetProperty("email").GetBoolean());
    }

    [Fact]
    public async Task Withdraw_OlderThanTheStoredConsent_ChangesNothing()
    {
        var customer = Customer("writer", "optout-2", c => c with { Consents = [new NormalizedConsent("sms", true, Utc(2024, 5, 1))] });
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));

        var changed = await InTransactionAsync(tx => WithdrawOneAsync(tx, customer.CustomerId, ConsentChannels.Sms, Utc(2024, 4, 1), "response:r-2"));

        Assert.False(changed);
        Assert.True(await app.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @Id AND channel = 'sms'", new { Id = customer.CustomerId }));
    }

    [Fact]
    public async Task Withdraw_AlreadyWithdrawn_ChangesNothing_AndWithoutAnyConsentRecordsTheRefusal()
    {
        var customer = Customer("writer", "optout-3");
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));

        var first = await InTransactionAsync(tx => WithdrawOneAsync(tx, customer.CustomerId, ConsentChannels.Mail, Utc(2024, 1, 1), "response:r-3"));
        var second = await InTransactionAsync(tx => WithdrawOneAsync(tx, customer.CustomerId, ConsentChannels.Mail, Utc(2024, 2, 1), "response:r-4"));

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("response:r-3", await app.ScalarAsync<string>("SELECT origin FROM consents WHERE customer_id = @Id AND channel = 'mail'", new { Id = customer.CustomerId }));
    }

    [Fact]
    public async Task Withdraw_ManyAtOnce_ChangesOnlyWhatIsNewer_InOneStatement()
    {
        var granted = Customer("writer", "optout-many-1", c => c with { Consents = [new NormalizedConsent("email", true, Utc(2024, 1, 1))] });
        var newer = Customer("writer", "optout-many-2", c => c with { Consents = [new NormalizedConsent("email", true, Utc(2024, 9, 1))] });
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [granted, newer], default));

        var changed = await InTransactionAsync(tx => _consents.WithdrawAsync(tx,
        [
            new ConsentWithdrawal(granted.CustomerId, ConsentChannels.Email, Utc(2024, 3, 1), "response:m-1"),
            new ConsentWithdrawal(granted.CustomerId, ConsentChannels.Sms, Utc(2024, 3, 1), "response:m-2"),
            new ConsentWithdrawal(newer.CustomerId, ConsentChannels.Email, Utc(2024, 3, 1), "response:m-3"),
            new ConsentWithdrawal(Guid.NewGuid(), ConsentChannels.Email, Utc(2024, 3, 1), "response:m-4"),
        ], default));

        Assert.Equal([granted.CustomerId], changed);
        Assert.Equal(2L, await app.ScalarAsync<long>("SELECT count(*) FROM consents WHERE customer_id = @Id AND NOT granted", new { Id = granted.CustomerId }));
        Assert.True(await app.ScalarAsync<bool>("SELECT granted FROM consents WHERE customer_id = @Id AND channel = 'email'", new { Id = newer.CustomerId }));
    }

    [Fact]
    public async Task Withdraw_UnknownCustomer_ReturnsFalse()
    {
        Assert.False(await InTransactionAsync(tx => WithdrawOneAsync(tx, Guid.NewGuid(), ConsentChannels.Phone, Utc(2024, 1, 1), "response:r-5")));
    }

    [Fact]
    public async Task Versions_RiseWithEveryChange_StayOnAReplay_AndEventsCarryThem()
    {
        var customer = Customer("writer", "versions", c => c with { City = "Lyon" });
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));
        var created = await VersionAsync(customer.CustomerId);

        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));
        var replayed = await VersionAsync(customer.CustomerId);
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer with { City = "Nice" }], default));
        var changed = await VersionAsync(customer.CustomerId);
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer with { City = "Nice", Consents = [new NormalizedConsent("sms", true, Utc(2024, 1, 1))] }], default));
        var consented = await VersionAsync(customer.CustomerId);

        Assert.Equal(created, replayed);
        Assert.True(changed > created);
        Assert.True(consented > changed);
        var events = await app.CustomerEventsAsync(customer.CustomerId);
        Assert.Equal([created, changed, consented], events.Select(e => e.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Versions_OfConcurrentWriters_FollowTheOrderTheyCommit_NotTheirClocks()
    {
        var customer = Customer("writer", "versions-race");
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));

        // The first writer starts (and would take its clock) first, but holds off its commit until the second writer has
        // queued behind its row lock; the second commits last and must carry the higher version.
        await using var first = await _db.OpenConnectionAsync();
        await using var firstTx = await first.BeginTransactionAsync();
        await _customers.UpsertAsync(firstTx, [customer with { City = "first" }], default);
        var second = InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer with { City = "second" }], default));
        await Eventually.TrueAsync(
            () => app.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock')"),
            "the second writer to wait for the first one's row lock");
        await firstTx.CommitAsync();
        await second;

        var versions = (await app.CustomerEventsAsync(customer.CustomerId)).Select(e => e.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(3, versions.Count); // created, first, second (in outbox order)
        Assert.True(versions[2] > versions[1], $"the last committed write has the higher version: {string.Join(", ", versions)}");
        Assert.Equal(versions[2], await VersionAsync(customer.CustomerId));
        Assert.Equal("second", await app.ScalarAsync<string>("SELECT city FROM customers WHERE customer_id = @Id", new { Id = customer.CustomerId }));
    }

    [Fact]
    public async Task LoadRecords_ReturnsKnownCustomersOnly()
    {
        var customer = Customer("writer", "load", c => c with { BirthDate = new DateOnly(1970, 7, 1), Gender = "other" });
        await InTransactionAsync(tx => _customers.UpsertAsync(tx, [customer], default));

        var records = await InTransactionAsync(tx => _customers.LoadRecordsAsync(tx, [customer.CustomerId, Guid.NewGuid()], default));

        var record = Assert.Single(records);
        Assert.Equal(1970, record.BirthYear);
        Assert.Equal("other", record.Gender);
        Assert.Equal(customer.CustomerId, record.PersonId);
    }

    private static NormalizedCustomer Customer(string source, string externalId, Func<NormalizedCustomer, NormalizedCustomer>? change = null)
    {
        var customer = new CustomerRequest { Source = source, ExternalId = externalId }.Validate(new ValidationErrors())!;
        return change is null ? customer : change(customer);
    }

    private static DateTimeOffset Utc(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    private Task<long> VersionAsync(Guid id) =>
        app.ScalarAsync<long>("SELECT version FROM customers WHERE customer_id = @Id", new { Id = id });

    private Task<DateTimeOffset> UpdatedAtAsync(Guid id) =>
        app.ScalarAsync<DateTimeOffset>("SELECT updated_at FROM customers WHERE customer_id = @Id", new { Id = id });

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var result = await work(tx);
        await tx.CommitAsync();
        return result;
    }

    private async Task<bool> WithdrawOneAsync(Npgsql.NpgsqlTransaction tx, Guid customerId, string channel, DateTimeOffset at, string origin) =>
        (await _consents.WithdrawAsync(tx, [new ConsentWithdrawal(customerId, channel, at, origin)], default)).Contains(customerId);
}
