using Npgsql;
using Platform.Contracts.Ingestion;

namespace Campaigns.Features.Customers;

/// <summary>
/// More of a customer's data to erase, in the same transaction as <see cref="CustomerErasedConsumer"/>'s own deletes
/// (under the exclusive erasure lock, once per erasure): e.g. dispatch's contacts (kept as anonymous rows) and webhook
/// payloads. Register implementations as services; the consumer runs all of them.
/// </summary>
public interface ICustomerErasureStep
{
    /// <summary>Removes or anonymizes what identifies <see cref="CustomerErased.CustomerId"/>.</summary>
    Task EraseAsync(NpgsqlTransaction transaction, CustomerErased erasure, CancellationToken ct);
}
