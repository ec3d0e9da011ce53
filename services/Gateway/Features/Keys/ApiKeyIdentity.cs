namespace Gateway.Features.Keys;

/// <summary>A key that passed the check: who it is, what it may do, its rate. Set as a request feature for the endpoints.</summary>
/// <param name="Id">The key's id (the configured admin key has <see cref="ConfiguredAdminId"/>).</param>
/// <param name="Name">Its name.</param>
/// <param name="Scopes">Its scopes.</param>
/// <param name="RequestsPerSecond">Sustained rate.</param>
/// <param name="Burst">Requests it may send at once.</param>
public sealed record ApiKeyIdentity(Guid Id, string Name, IReadOnlyList<string> Scopes, int RequestsPerSecond, int Burst)
{
    /// <summary>The id of the configured admin key (<c>Admin:ApiKey</c>), which is not in the database.</summary>
    public static readonly Guid ConfiguredAdminId = new("00000000-0000-0000-0000-00000000ad01");

    /// <summary>Whether the key holds <paramref name="scope"/>.</summary>
    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}
