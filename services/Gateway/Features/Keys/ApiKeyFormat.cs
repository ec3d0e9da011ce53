using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Features.Keys;

/// <summary>
/// What an API key looks like: <c>pk_</c> and 32 random bytes as base64url (43 characters). Only its SHA-256 is stored
/// (256 random bits need no slow hash: nothing can be guessed), with a short prefix to recognize it in lists.
/// </summary>
public static class ApiKeyFormat
{
    /// <summary>What every key starts with (and what secret scanners can look for).</summary>
    public const string Marker = "pk_";

    /// <summary>Random bytes in a key.</summary>
    public const int RandomBytes = 32;

    /// <summary>Characters of a key: the marker and the base64url of the random bytes (no padding).</summary>
    public static readonly int Length = Marker.Length + Base64Url.GetEncodedLength(RandomBytes);

    /// <summary>Characters shown in lists: the marker and 8 of the random characters (48 bits: names a key, reveals nothing useful).</summary>
    public const int DisplayPrefixLength = 11;

    /// <summary>A new key.</summary>
    public static string Create() => Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>The SHA-256 of <paramref name="key"/>'s UTF-8 bytes: what is stored and looked up.</summary>
    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>The part of <paramref name="key"/> lists show.</summary>
    public static string DisplayPrefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= DisplayPrefixLength ? key : key[..DisplayPrefixLength];
    }

    /// <summary>Whether <paramref name="key"/> has the shape of a key made by <see cref="Create"/> (anything else is not looked up).</summary>
    public static bool IsWellFormed(string? key) =>
        key is not null && key.Length == Length && key.StartsWith(Marker, StringComparison.Ordinal) && Base64Url.IsValid(key.AsSpan(Marker.Length));
}
