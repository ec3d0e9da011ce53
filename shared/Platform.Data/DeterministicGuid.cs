using System.Security.Cryptography;
using System.Text;

namespace Platform.Data;

/// <summary>Name-based UUIDs (RFC 4122 version 5): the same namespace and name give the same id on any replica, forever.</summary>
public static class DeterministicGuid
{
    /// <summary>Namespace of customer ids, derived from (source, external id).</summary>
    public static readonly Guid CustomerNamespace = new("6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d01");

    /// <summary>Namespace of transaction ids, derived from (source, order id).</summary>
    public static readonly Guid TransactionNamespace = new("6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d02");

    /// <summary>Namespace of response ids, derived from (source, the channel's response id) or the response's content.</summary>
    public static readonly Guid ResponseNamespace = new("6f1c0a0e-3a55-4c57-9e6b-2a8e1c1f0d03");

    /// <summary>The version-5 UUID of <paramref name="name"/> within <paramref name="namespaceId"/>.</summary>
    public static Guid Create(Guid namespaceId, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        namespaceId.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 version 5 specifies; this is an identifier, not a security boundary.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>The customer id for an external id in a source system. Source is case-insensitive; the external id is taken as given.</summary>
    public static Guid ForCustomer(string source, string externalId) =>
        Create(CustomerNamespace, source.Trim().ToLowerInvariant() + "\n" + externalId.Trim());

    /// <summary>The transaction id for an order id in a source system (same normalization as customers).</summary>
    public static Guid ForTransaction(string source, string orderId) =>
        Create(TransactionNamespace, source.Trim().ToLowerInvariant() + "\n" + orderId.Trim());

    /// <summary>The response id for a key that identifies a response (its parts joined by newlines).</summary>
    public static Guid ForResponse(string key) => Create(ResponseNamespace, key);
}
