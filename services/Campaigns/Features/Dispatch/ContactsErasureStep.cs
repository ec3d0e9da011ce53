using Campaigns.Features.Customers;
using Npgsql;
using Platform.Contracts.Ingestion;

namespace Campaigns.Features.Dispatch;

/// <summary>Dispatch's part of an erasure (<see cref="ContactsEraser"/>), run by the CustomerErased consumer in its transaction.</summary>
public sealed class ContactsErasureStep : ICustomerErasureStep
{
    public Task EraseAsync(NpgsqlTransaction transaction, CustomerErased erasure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return ContactsEraser.EraseCustomerAsync(transaction, erasure.CustomerId, ct);
    }
}
