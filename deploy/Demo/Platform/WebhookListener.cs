using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Demo.Platform;

/// <summary>
/// The demo's channel endpoint (mail house and call centre in one) on 127.0.0.1: checks each post's signature
/// (<c>X-Platform-Signature</c> = hex HMAC-SHA256 of <c>timestamp + "." + body</c> with the channel's secret; a bad one is
/// answered 401 and counted), then hands every contact it has not seen yet to the callback it was made with.
/// </summary>
public sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _secret;
    private readonly Action<WebhookContact> _onContact;
    private readonly HashSet<Guid> _seen = [];
    private readonly Task _loop;
    private int _posts;
    private int _badSignatures;

    /// <summary>Starts listening on a free loopback port.</summary>
    public WebhookListener(string secret, Action<WebhookContact> onContact)
    {
        _secret = Encoding.UTF8.GetBytes(secret);
        _onContact = onContact;
        Url = $"http://127.0.0.1:{FreePort()}/channels/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The URL to configure as the channels' webhook.</summary>
    public string Url { get; }

    /// <summary>Posts received (signed or not).</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>Posts refused for a missing or wrong signature.</summary>
    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>Distinct contacts received.</summary>
    public int Contacts
    {
        get
        {
            lock (_seen)
            {
                return _seen.Count;
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _ = _loop;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        try
        {
            Interlocked.Increment(ref _posts);
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = reader.ReadToEnd();
            var timestamp = context.Request.Headers["X-Platform-Timestamp"] ?? "";
            var signature = context.Request.Headers["X-Platform-Signature"] ?? "";
            var expected = Convert.ToHexString(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToUpperInvariant()))
                || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                Interlocked.Increment(ref _badSignatures);
                context.Response.StatusCode = 401;
                return;
            }

            var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var code = root.GetProperty("campaignCode").GetString()!;
            var channel = root.GetProperty("channel").GetString()!;
            foreach (var contact in root.GetProperty("contacts").EnumerateArray())
            {
                var contactId = contact.GetProperty("contactId").GetGuid();
                lock (_seen)
                {
                    if (!_seen.Add(contactId))
                    {
                        continue; // a delivery retried after we had it
                    }
                }

                _onContact(new WebhookContact(code, channel, contact.GetProperty("cell").GetString()!,
                    contact.TryGetProperty("offerCode", out var offer) && offer.ValueKind == JsonValueKind.String ? offer.GetString() : null,
                    contact.GetProperty("customerId").GetGuid(), contactId, at));
            }

            context.Response.StatusCode = 204;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            context.Response.StatusCode = 400;
        }
        finally
        {
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
