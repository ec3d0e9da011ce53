using Npgsql;

namespace Segmentation.Features.Segments;

/// <summary>
/// A segment rule as SQL: a boolean expression over the columns of <c>segment_base b</c> whose only other text is
/// placeholders <c>@p0</c>, <c>@p1</c>, … bound to <see cref="Parameters"/>. Use it in a WHERE clause, e.g.
/// <c>SELECT b.customer_id FROM segment_base b WHERE </c> + <see cref="WhereSql"/>; for a customer outside the segment
/// it is FALSE or NULL, which WHERE treats alike. Queries around it must not use parameter names <c>p&lt;N&gt;</c>.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(string whereSql, IReadOnlyList<NpgsqlParameter> parameters)
    {
        WhereSql = whereSql;
        Parameters = parameters;
    }

    /// <summary>The condition, fully parenthesised; <c>TRUE</c> for an empty <c>and</c> (everyone).</summary>
    public string WhereSql { get; }

    /// <summary>
    /// The values, named <c>p0</c>, <c>p1</c>, … in the order they appear, each with an explicit
    /// <see cref="NpgsqlTypes.NpgsqlDbType"/> (lists are one array parameter). Templates: add them to a command through
    /// <see cref="AddParametersTo(NpgsqlParameterCollection)"/>, which copies them, rather than directly.
    /// </summary>
    public IReadOnlyList<NpgsqlParameter> Parameters { get; }

    /// <summary>Adds copies of <see cref="Parameters"/> to <paramref name="command"/>.</summary>
    public void AddParametersTo(NpgsqlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        AddParametersTo(command.Parameters);
    }

    /// <summary>
    /// Adds copies of <see cref="Parameters"/> to <paramref name="parameters"/> (a command's or a batch command's): a
    /// parameter belongs to one collection only, so copies let the same rule run in many commands.
    /// </summary>
    public void AddParametersTo(NpgsqlParameterCollection parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var parameter in Parameters)
        {
            parameters.Add(parameter.Clone());
        }
    }
}
