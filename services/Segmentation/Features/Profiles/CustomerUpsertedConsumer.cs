using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Segmentation.Features.Profiles;

/// <summary>Creates or refreshes the customer's profile. Idempotent (inbox) and order-independent (newest version wins).</summary>
public sealed class CustomerUpsertedConsumer(Inbox inbox, TimeProvider time) : IConsumer<CustomerUpserted>
{
    private const string UpsertSql = """
        INSERT INTO customer_profiles AS p (customer_id, source, external_id, lifecycle, country, region, customer_updated_at, created_at)
        VALUES (@CustomerId, @Source, @ExternalId, @Lifecycle, @Country, @Region, @UpdatedAt, @Now)
        ON CONFLICT (customer_id) DO UPDATE SET
            lifecycle = excluded.lifecycle, country = excluded.country, region = excluded.region,
            customer_updated_at = excluded.customer_updated_at
        WHERE excluded.customer_updated_at > p.customer_updated_at
        """;

    public Task Consume(ConsumeContext<CustomerUpserted> context) =>
        inbox.ProcessOnceAsync(context, nameof(CustomerUpsertedConsumer), async (tx, ct) =>
        {
            var m = context.Message;
            await tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql, new
            {
                m.CustomerId,
                m.Source,
                m.ExternalId,
                m.Lifecycle,
                m.Country,
                m.Region,
                m.UpdatedAt,
                Now = time.GetUtcNow(),
            }, tx, cancellationToken: ct));
        });
}
