using Campaigns.Features.Customers;
using Dapper;
using Npgsql;
using Platform.Contracts.Ingestion;

namespace Campaigns.IntegrationTests.Customers;

/// <summary>
/// Stands in for dispatch's erasure of its own tables: records, in the erasure's transaction, the customer and whether
/// the consumer's own deletes are already visible there (table <c>test_erasure_calls</c>, created by the test).
/// </summary>
public sealed class RecordingErasureStep : ICustomerErasureStep
{
    public async Task EraseAsync(NpgsqlTransaction transaction, CustomerErased erasure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(erasure);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO test_erasure_calls (customer_id, details_left)
            SELECT @CustomerId, (SELECT count(*) FROM customers WHERE customer_id = @CustomerId)
            """, new { erasure.CustomerId }, transaction, cancellationToken: ct));
    }
}
