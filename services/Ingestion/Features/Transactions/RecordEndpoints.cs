using Microsoft.AspNetCore.Mvc;

namespace Ingestion.Features.Transactions;

/// <summary>OpenAPI metadata and limits of the record-one / record-a-batch endpoints (transactions, responses).</summary>
internal static class RecordEndpoints
{
    /// <summary>POST of one record: 201 new, 200 replay, 400, 409 conflict, 413 too large.</summary>
    public static RouteHandlerBuilder RecordsOne<TResponse>(this RouteHandlerBuilder endpoint, string name, string summary, string rules, long maxBodyBytes) =>
        endpoint.WithName(name)
            .WithSummary(summary)
            .WithDescription(rules)
            .WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            .Produces<TResponse>(StatusCodes.Status201Created)
            .Produces<TResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    /// <summary>POST of a JSON array of records, all or nothing: 200 with each item's status, 400, 409, 413.</summary>
    public static RouteHandlerBuilder RecordsBatch<TBatchResponse>(
        this RouteHandlerBuilder endpoint, string name, string summary, string records, string singlePath, string storedRecord, string rules, long maxBodyBytes) =>
        endpoint.WithName(name)
            .WithSummary(summary)
            .WithDescription(
                $"A JSON array of {records} (each as for POST {singlePath}). If any item is invalid, names an unknown customer or " +
                $"conflicts with a stored {storedRecord}, nothing is written and the problem names the items as [i].field. Otherwise 200 " +
                "with each item's status: new or duplicate.\n\n" + rules)
            .WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes))
            .Produces<TBatchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    /// <summary>GET of one stored record: 200 or 404.</summary>
    public static RouteHandlerBuilder ReadsOne<TResponse>(this RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name)
            .WithSummary(summary)
            .Produces<TResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
