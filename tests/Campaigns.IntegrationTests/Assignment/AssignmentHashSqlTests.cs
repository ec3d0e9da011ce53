using Campaigns.Features.Assignment;
using Dapper;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Assignment;

/// <summary>The SQL form of the draw gives exactly the C# draw, so set-based launches and previews agree with the code.</summary>
public sealed class AssignmentHashSqlTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync("campaigns-hash");

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task SqlExpression_EqualsDraw_ForManyCustomers()
    {
        var salt = Guid.NewGuid();
        var customers = Enumerable.Range(0, 2_000).Select(_ => Guid.NewGuid()).ToArray();
        await using var connection = await _database.OpenAsync();

        var rows = await connection.QueryAsync<(Guid Customer, double Draw)>(
            $"SELECT c, {AssignmentHash.SqlExpression("@salt", "c")} FROM unnest(@customers) AS c", new { salt, customers });

        foreach (var (customer, draw) in rows)
        {
            Assert.Equal(AssignmentHash.Draw(salt, customer), draw);
        }
    }
}
