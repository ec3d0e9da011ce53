using Platform.Data;
using Platform.ServiceDefaults;

namespace Ingestion.Features.Transactions;

/// <summary>
/// Who a transaction or response belongs to: the customer's id, or their external id in a source system. Customer ids
/// are derived from (source, external id) (<see cref="DeterministicGuid.ForCustomer"/>), so an external id resolves
/// to an id without a lookup; whether that customer exists is checked against <c>customers</c> when writing.
/// </summary>
/// <param name="CustomerId">The customer's id.</param>
/// <param name="Source">The customer's source system when given by external id (lower case), else null.</param>
/// <param name="ExternalId">The customer's external id when given by external id, else null.</param>
public readonly record struct CustomerRef(Guid CustomerId, string? Source, string? ExternalId)
{
    /// <summary>The request field that named the customer, for "unknown customer" errors.</summary>
    public string Field => ExternalId is null ? "customerId" : "customerExternalId";
}

public static class CustomerReference
{
    public const string UnknownCustomer = "unknown customer (create it first, or send createCustomers=true to create a minimal customer from customerExternalId)";

    /// <summary>
    /// Checks <c>customerId</c> / <c>customerExternalId</c> / <c>customerSource</c>. The customer's source defaults to
    /// <paramref name="defaultSource"/> (the record's own source). Returns null when the reference is invalid.
    /// </summary>
    public static CustomerRef? Validate(ValidationErrors errors, Guid? customerId, string? externalId, string? customerSource, string? defaultSource)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var hasExternal = !string.IsNullOrWhiteSpace(externalId);
        if (customerId is { } id)
        {
            if (hasExternal)
            {
                errors.Add("customerId", "give customerId or customerExternalId, not both");
                return null;
            }

            if (!string.IsNullOrWhiteSpace(customerSource))
            {
                errors.Add("customerSource", "goes only with customerExternalId");
                return null;
            }

            if (id == Guid.Empty)
            {
                errors.Add("customerId", "is not a customer id");
                return null;
            }

            return new CustomerRef(id, null, null);
        }

        if (!hasExternal)
        {
            errors.Add("customerId", "customerId or customerExternalId is required");
            return null;
        }

        var source = string.IsNullOrWhiteSpace(customerSource) ? defaultSource : customerSource.Trim().ToLowerInvariant();
        var valid = true;
        if (externalId!.Trim().Length > 128)
        {
            errors.Add("customerExternalId", "must be at most 128 characters");
            valid = false;
        }

        if (source is { Length: > 64 })
        {
            errors.Add("customerSource", "must be at most 64 characters");
            valid = false;
        }

        // No source (the record's own one was invalid): that error is already reported.
        if (!valid || source is null)
        {
            return null;
        }

        var trimmed = externalId.Trim();
        return new CustomerRef(DeterministicGuid.ForCustomer(source, trimmed), source, trimmed);
    }
}
