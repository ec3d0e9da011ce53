using Platform.Data.Staging;
using Platform.ServiceDefaults;

namespace Ingestion.Features.Transactions;

/// <summary>How the JSON APIs answer a write that refused rows (they are all or nothing, so the caller rolls back).</summary>
public static class WriteRefusal
{
    /// <summary>
    /// Unknown customers first (400, naming customerId/customerExternalId), otherwise conflicting replays (409, naming
    /// <paramref name="idField"/>). In a batch, fields are prefixed with the item's index: <c>[3].orderId</c>.
    /// </summary>
    public static IResult Problem<T>(WriteResult result, IReadOnlyList<T> rows, bool batch, Func<T, CustomerRef> customer, string idField, Func<T, string> conflict, string conflictTitle)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(conflict);
        var errors = new ValidationErrors();
        var kind = result.Outcomes.Contains(RowOutcome.UnknownReference) ? RowOutcome.UnknownReference : RowOutcome.Conflict;
        for (var i = 0; i < rows.Count; i++)
        {
            if (result.Outcomes[i] != kind)
            {
                continue;
            }

            var item = batch ? errors.WithPrefix($"[{i}].") : errors;
            if (kind == RowOutcome.UnknownReference)
            {
                item.Add(customer(rows[i]).Field, CustomerReference.UnknownCustomer);
            }
            else
            {
                item.Add(idField, conflict(rows[i]));
            }
        }

        return kind == RowOutcome.UnknownReference
            ? errors.ToProblem()
            : TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary())
            {
                Status = StatusCodes.Status409Conflict,
                Title = conflictTitle,
            });
    }
}
