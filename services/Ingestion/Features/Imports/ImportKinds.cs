namespace Ingestion.Features.Imports;

/// <summary>The import kinds by name.</summary>
public sealed class ImportKinds(TransactionImport transactions, ResponseImport responses, CustomerImport customers)
{
    private readonly Dictionary<string, ImportKind> _byName = new ImportKind[] { transactions, responses, customers }.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public IEnumerable<string> Names => _byName.Keys;

    public ImportKind this[string name] => _byName[name];

    public ImportKind? Find(string? name) => name is not null && _byName.TryGetValue(name.Trim().ToLowerInvariant(), out var kind) ? kind : null;
}
