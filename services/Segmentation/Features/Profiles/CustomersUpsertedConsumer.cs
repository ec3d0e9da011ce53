using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Segmentation.Features.Profiles;

/// <summary>Creates or refreshes customers' profiles. Idempotent (inbox) and order-independent (newest version wins).</summary>
public sealed class CustomersUpsertedConsumer(Inbox inbox, TimeProvider time) : IConsumer<CustomersUpserted>
{
    private const string UpsertSql = """
        INSERT INTO customer_profiles AS p (customer_id, source, external_id, lifecycle, country, region, customer_updated_at, created_at)
        SELECT * FROM unnest(@CustomerIds, @Sources, @ExternalIds, @Lifecycles, @Countries, @Regions, @UpdatedAts, @CreatedAts)
        ON CONFLICT (customer_id) DO UPDATE SET
            lifecycle = excluded.lifecycle, country = excluded.country, region = excluded.region,
            customer_updated_at = excluded.customer_updated_at
        WHERE excluded.customer_updated_at > p.customer_updated_at
        """;

    public Task Consume(ConsumeContext<CustomersUpserted> context) =>
        inbox.ProcessOnceAsync(context, nameof(CustomersUpsertedConsumer), async (tx, ct) =>
        {
            // Several versions of one customer in a batch: keep the newest (ON CONFLICT cannot touch a row twice).
            var customers = context.Message.Customers.GroupBy(c => c.CustomerId).Select(g => g.MaxBy(c => c.UpdatedAt)!).ToList();
            var now = time.GetUtcNow();
            await tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql, new
            {
                CustomerIds = customers.Select(c => c.CustomerId).ToArray(),
                Sources = customers.Select(c => c.Source).ToArray(),
                ExternalIds = customers.Select(c => c.ExternalId).ToArray(),
                Lifecycles = customers.Select(c => c.Lifecycle).ToArray(),
                Countries = customers.Select(c => c.Country).ToArray(),
                Regions = customers.Select(c => c.Region).ToArray(),
                UpdatedAts = customers.Select(c => c.UpdatedAt).ToArray(),
                CreatedAts = customers.Select(_ => now).ToArray(),
            }, tx, cancellationToken: ct));
        });
}
