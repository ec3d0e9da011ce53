using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Campaigns.Features.Assignment;

/// <summary>
/// The deterministic draw behind every assignment: SHA-256 of the 16 bytes of a salt id followed by the 16 bytes of
/// the customer id (both in RFC 4122 byte order, as PostgreSQL's <c>uuid_send</c> writes them), its first 52 bits read
/// as an unsigned integer and divided by 2^52: a number in [0, 1), exact as a double, the same on every replica and
/// in SQL (<see cref="SqlExpression"/>). The salt is the campaign id for cells, a derived id for waves, and the policy's
/// salt for the global control, so the three draws are independent.
/// </summary>
public static class AssignmentHash
{
    private const double TwoPow52 = 4503599627370496.0;

    /// <summary>
    /// The same draw in SQL, for parameters or columns <paramref name="salt"/> and <paramref name="customer"/> of type uuid;
    /// gives a double precision in [0, 1) equal to <see cref="Draw"/>.
    /// </summary>
    public static string SqlExpression(string salt, string customer) =>
        $"(('x' || lpad(substr(encode(sha256(uuid_send({salt}) || uuid_send({customer})), 'hex'), 1, 13), 16, '0'))::bit(64)::bigint / 4503599627370496.0::double precision)";

    /// <summary>The draw of <paramref name="customerId"/> under <paramref name="salt"/>, in [0, 1).</summary>
    public static double Draw(Guid salt, Guid customerId)
    {
        Span<byte> input = stackalloc byte[32];
        salt.TryWriteBytes(input[..16], bigEndian: true, out _);
        customerId.TryWriteBytes(input[16..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var first64 = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (first64 >> 12) / TwoPow52;
    }

    /// <summary>The salt of the wave draw of a campaign (independent of its cell draw).</summary>
    public static Guid WaveSalt(Guid campaignId) => DeriveSalt(campaignId, "wave");

    /// <summary>A salt derived from <paramref name="id"/> and a purpose, for draws that must be independent of the one salted by the id itself.</summary>
    public static Guid DeriveSalt(Guid id, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        Span<byte> hash = stackalloc byte[32];
        var bytes = new byte[16 + System.Text.Encoding.UTF8.GetByteCount(purpose)];
        id.TryWriteBytes(bytes.AsSpan(0, 16), bigEndian: true, out _);
        System.Text.Encoding.UTF8.GetBytes(purpose, bytes.AsSpan(16));
        SHA256.HashData(bytes, hash);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>
    /// Upper bounds of the cumulative shares, in order: a draw u falls in the first slot i with u &lt; bounds[i]. The last
    /// bound is forced to 1 so that rounding in the shares can never leave a draw without a slot.
    /// </summary>
    public static double[] CumulativeBounds(IReadOnlyList<double> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var bounds = new double[shares.Count];
        var sum = 0.0;
        for (var i = 0; i < shares.Count; i++)
        {
            sum += shares[i];
            bounds[i] = sum;
        }

        if (bounds.Length > 0)
        {
            bounds[^1] = 1.0;
        }

        return bounds;
    }

    /// <summary>
    /// The same mapping in SQL: the 0-based slot of <paramref name="draw"/> (a SQL expression in [0, 1)) under
    /// <paramref name="thresholdsParameter"/>, a double precision[] parameter holding <see cref="SlotThresholds"/>.
    /// <c>width_bucket</c> counts the thresholds at or below the draw, which is the first slot whose bound exceeds it.
    /// </summary>
    public static string SqlSlot(string draw, string thresholdsParameter) => $"width_bucket({draw}, {thresholdsParameter}::double precision[])";

    /// <summary>The cumulative bounds but the last (which is 1): the lower bounds of slots 1..n-1, for <see cref="SqlSlot"/>.</summary>
    public static double[] SlotThresholds(IReadOnlyList<double> shares) => CumulativeBounds(shares)[..^1];

    /// <summary>The slot of draw <paramref name="u"/> under <paramref name="bounds"/> (from <see cref="CumulativeBounds"/>).</summary>
    public static int Slot(double u, IReadOnlyList<double> bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        for (var i = 0; i < bounds.Count; i++)
        {
            if (u < bounds[i])
            {
                return i;
            }
        }

        return bounds.Count - 1;
    }
}
