using Dapper;
using Npgsql;

namespace Platform.Data.Staging;

/// <summary>
/// The statements a staged writer (Ingestion's transactions and responses, and any service writing client-identified
/// records in bulk) runs against one kind of stage: a temporary table filled by binary COPY, or array parameters for
/// small writes. The SQL templates hold <c>{stage}</c> (the stage, aliased
/// <c>s</c>), <c>{distinct}</c> and <c>{order}</c>: when an id occurs more than once among the rows, the first row is
/// inserted (DISTINCT ON) and the others are compared with it like any replay; without repeats the sort is left out.
/// </summary>
public sealed record StageStatements(string Insert, string InsertFirstOfRepeats, string Conflicts)
{
    /// <summary>Fills <paramref name="insertSql"/> and <paramref name="conflictsSql"/> for <paramref name="stage"/>, rows identified by <paramref name="idColumn"/>.</summary>
    public static StageStatements For(string insertSql, string conflictsSql, string stage, string idColumn) => new(
        Fill(insertSql, stage, "", ""),
        Fill(insertSql, stage, $"DISTINCT ON ({idColumn})", $"ORDER BY {idColumn}, row_index"),
        Fill(conflictsSql, stage, "", ""));

    /// <summary>
    /// Runs the insert (the first-of-repeats form when an id occurs more than once) and, only when some staged row was
    /// not inserted, the conflict check; returns each row's outcome in input order. The insert returns the ids it
    /// inserted; the conflict check returns the <c>row_index</c> of each staged row whose id is stored with other values.
    /// Rows whose reference (<paramref name="referenceOf"/>, e.g. the customer) is in <paramref name="unknown"/> were
    /// left out of the stage; <paramref name="staged"/> is how many rows the stage holds.
    /// </summary>
    public async Task<RowOutcome[]> RunAsync<TRow>(
        NpgsqlTransaction tx, IReadOnlyList<TRow> rows, Func<TRow, Guid> idOf, Func<TRow, Guid> referenceOf, HashSet<Guid> unknown,
        object parameters, int staged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(referenceOf);
        ArgumentNullException.ThrowIfNull(unknown);
        var connection = tx.Connection!;
        var seen = new HashSet<Guid>(rows.Count);
        var insert = rows.Any(r => !seen.Add(idOf(r))) ? InsertFirstOfRepeats : Insert;
        var inserted = (await connection.QueryAsync<Guid>(new CommandDefinition(insert, parameters, tx, cancellationToken: ct))).ToHashSet();
        var conflicts = inserted.Count == staged
            ? []
            : (await connection.QueryAsync<int>(new CommandDefinition(Conflicts, parameters, tx, cancellationToken: ct))).ToHashSet();

        var outcomes = new RowOutcome[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            outcomes[i] = unknown.Contains(referenceOf(rows[i])) ? RowOutcome.UnknownReference
                : conflicts.Contains(i) ? RowOutcome.Conflict
                : inserted.Remove(idOf(rows[i])) ? RowOutcome.New // the first row with this id is the one inserted
                : RowOutcome.Duplicate;
        }

        return outcomes;
    }

    private static string Fill(string sql, string stage, string distinct, string order) => sql
        .Replace("{stage}", stage, StringComparison.Ordinal)
        .Replace("{distinct}", distinct, StringComparison.Ordinal)
        .Replace("{order}", order, StringComparison.Ordinal);
}
