using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.ServiceDefaults;

/// <summary>Cuts one customer out of a MassTransit JSON envelope (see <see cref="ErrorQueues.EraseCustomerAsync"/>).</summary>
public static class ParkedMessageEraser
{
    /// <summary>
    /// Null when the message does not mention <paramref name="customerId"/> (or is an erasure message, which must stay);
    /// an empty array when the whole message is about that customer; otherwise the envelope without the items
    /// (objects in arrays) whose <c>customerId</c> is that customer.
    /// </summary>
    public static byte[]? Erase(byte[] body, string customerId)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!Contains(body, customerId))
        {
            return null;
        }

        JsonNode? envelope;
        try
        {
            envelope = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return []; // mentions the customer but cannot be read: drop it rather than keep their data
        }

        if (envelope?["messageType"] is JsonArray types && types.Any(t => t?.GetValue<string>().EndsWith(":CustomerErased", StringComparison.Ordinal) == true))
        {
            return null;
        }

        var message = envelope?["message"];
        if (message is null || IsAbout(message, customerId))
        {
            return [];
        }

        Cut(message, customerId);
        return Encoding.UTF8.GetBytes(envelope!.ToJsonString());
    }

    private static bool IsAbout(JsonNode node, string customerId) =>
        node is JsonObject obj && obj.TryGetPropertyValue("customerId", out var value) && value is JsonValue v
        && v.TryGetValue<string>(out var text) && string.Equals(text, customerId, StringComparison.OrdinalIgnoreCase);

    private static void Cut(JsonNode node, string customerId)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (array[i] is { } item && IsAbout(item, customerId))
                    {
                        array.RemoveAt(i);
                    }
                    else if (array[i] is { } other)
                    {
                        Cut(other, customerId);
                    }
                }

                break;
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        Cut(child, customerId);
                    }
                }

                break;
        }
    }

    private static bool Contains(byte[] body, string text) =>
        body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0
        || body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text.ToUpperInvariant())) >= 0;
}
