using System.Security.Cryptography;
using System.Text;

namespace Campaigns.Features.Channels;

/// <summary>
/// How webhook posts are signed: header <see cref="TimestampHeader"/> holds the Unix time in seconds, header
/// <see cref="SignatureHeader"/> the lower-case hex of HMAC-SHA256(secret, timestamp + "." + body). A receiver recomputes
/// it over the raw body and rejects old timestamps (replays).
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Platform-Timestamp";
    public const string SignatureHeader = "X-Platform-Signature";

    /// <summary>The signature of <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>True when <paramref name="signature"/> is the signature of <paramref name="body"/> (constant-time comparison).</summary>
    public static bool Verify(string secret, string timestamp, string body, string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
