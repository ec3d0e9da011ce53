using Dapper;
using Npgsql;

namespace Ingestion.Features.Transactions;

/// <summary>
/// The statements a staged writer (transactions, responses) runs against one kind of stage: a temporary table filled
/// by binary COPY, or array parameters for small writes. The SQL templates hold <c>{stage}</c> (the stage, aliased
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
    /// not inserted, the conflict check; returns each row's outcome in input order. Rows of <paramref name="unknown"/>
    /// customers were left out of the stage; <paramref name="staged"/> is how many rows the stage holds.
    /// </summary>
    public async Task<RowOutcome[]> RunAsync<TRow>(
        NpgsqlTransaction tx, IReadOnlyList<TRow> rows, Func<TRow, Guid> idOf, Func<TRow, Guid> customerOf, HashSet<Guid> unknown,
        object parameters, int staged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(customerOf);
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
            outcomes[i] = unknown.Contains(customerOf(rows[i])) ? RowOutcome.UnknownCustomer
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
