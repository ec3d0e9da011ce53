using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Platform.ServiceDefaults.Paging;

/// <summary>
/// The opaque <c>after</c> value of a keyset page: the sort key of the last item shown (e.g. its time and id), as
/// base64url of a JSON array of strings. Clients pass it back unchanged; only the endpoint that made it reads it.
/// </summary>
public static class PageCursor
{
    /// <summary>The cursor holding <paramref name="key"/>, the sort key of the last item of a page.</summary>
    public static string Encode(params string[] key) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));

    /// <summary>Reads a cursor made by <see cref="Encode"/> holding <paramref name="count"/> key parts; false for anything else.</summary>
    public static bool TryDecode(string cursor, int count, out string[] key)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        key = [];
        // Cursors are short; a long "after" is not one of ours.
        if (cursor.Length > 1024 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            if (parts is null || parts.Length != count || parts.Any(p => p is null))
            {
                return false;
            }

            key = parts;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
