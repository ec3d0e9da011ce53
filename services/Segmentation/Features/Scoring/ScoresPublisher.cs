using Dapper;
using Npgsql;
using Platform.Contracts.Segmentation;
using Platform.Data;

namespace Segmentation.Features.Scoring;

/// <summary>
/// Announces a scoring run's scores as <see cref="Platform.Contracts.Segmentation.CustomersScored"/> batches of 1,000,
/// written to the outbox in the run's own transaction: the scores and their announcement commit together or not at all.
/// The batches are written a few at a time as they are built, so a million customers never become one list of events.
/// </summary>
public sealed class ScoresPublisher(Outbox outbox)
{
    /// <summary>Customers per event.</summary>
    public const int BatchSize = 1_000;

    // Events per outbox round trip: about 20 × 150 kB of JSON held at once.
    private const int EventsPerWrite = 20;

    private const string RunNumberSql = "UPDATE score_runs SET run_number = nextval('score_run_numbers') WHERE id = @RunId RETURNING run_number";

    /// <summary>Numbers run <paramref name="runId"/> and adds its events; <paramref name="orders"/> gives the orders of the customer at each index.</summary>
    public async Task<long> PublishAsync(
        NpgsqlTransaction tx, Guid runId, DateTimeOffset asOf, IReadOnlyList<CustomerScore> scores, Func<int, int> orders, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(orders);
        var runNumber = await tx.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(RunNumberSql, new { RunId = runId }, tx, cancellationToken: ct));
        var batchCount = (scores.Count + BatchSize - 1) / BatchSize;
        var pending = new List<CustomersScored>(EventsPerWrite);
        for (var batch = 0; batch < batchCount; batch++)
        {
            var from = batch * BatchSize;
            var to = Math.Min(from + BatchSize, scores.Count);
            var items = new Platform.Contracts.Segmentation.CustomerScore[to - from];
            for (var i = from; i < to; i++)
            {
                var s = scores[i];
                items[i - from] = new Platform.Contracts.Segmentation.CustomerScore
                {
                    CustomerId = s.CustomerId,
                    ValueTier = s.ValueTier,
                    Clv = Finite(s.Clv),
                    ProbabilityAlive = Finite(s.ProbabilityAlive),
                    ChurnRisk = s.ChurnRisk,
                    DealSeeker = s.DealSeeker,
                    Orders = orders(i),
                };
            }

            pending.Add(new CustomersScored
            {
                RunId = runId, RunNumber = runNumber, AsOf = asOf, BatchNumber = batch + 1, BatchCount = batchCount, Scores = items,
            });
            if (pending.Count == EventsPerWrite || batch == batchCount - 1)
            {
                await outbox.AddRangeAsync(tx, pending, ct);
                pending.Clear();
            }
        }

        return runNumber;
    }

    // JSON has no NaN or infinity; a score that is not finite is as good as none.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
