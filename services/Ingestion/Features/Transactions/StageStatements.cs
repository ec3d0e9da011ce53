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

    private static string Fill(string sql, string stage, string distinct, string order) => sql
        .Replace("{stage}", stage, StringComparison.Ordinal)
        .Replace("{distinct}", distinct, StringComparison.Ordinal)
        .Replace("{order}", order, StringComparison.Ordinal);
}
