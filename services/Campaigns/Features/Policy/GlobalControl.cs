using Dapper;
using Npgsql;
using Campaigns.Features.Assignment;

namespace Campaigns.Features.Policy;

/// <summary>
/// The global control group as configured: a customer belongs to it when
/// <see cref="AssignmentHash.Draw"/>(<see cref="Salt"/>, customer) &lt; <see cref="Share"/>. The salt is fixed per
/// installation, so membership never changes unless the share does.
/// </summary>
public sealed record GlobalControl(double Share, Guid Salt)
{
    private const string SelectSql = "SELECT share, salt FROM global_control";

    /// <summary>True when <paramref name="customerId"/> is in the global control group.</summary>
    public bool Contains(Guid customerId) => Share > 0 && AssignmentHash.Draw(Salt, customerId) < Share;

    /// <summary>The same test in SQL for a uuid column or parameter, with the share and salt as parameters <c>@GlobalControlShare</c>, <c>@GlobalControlSalt</c>.</summary>
    public static string SqlCondition(string customer) => $"({AssignmentHash.SqlExpression("@GlobalControlSalt", customer)} < @GlobalControlShare)";

    /// <summary>Reads the current setting.</summary>
    public static async Task<GlobalControl> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.QuerySingleAsync<GlobalControl>(new CommandDefinition(SelectSql, transaction: transaction, cancellationToken: ct));
    }
}
