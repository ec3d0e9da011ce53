using System.Net.Http.Headers;
using Gateway.Features.Access;
using Microsoft.Net.Http.Headers;
using Platform.ServiceDefaults.Admin;

namespace Gateway.Features.Proxy;

/// <summary>
/// A step of the proxy pipeline for <c>POST /{service}/admin/clock</c> (moving a simulated clock, as the demo does):
/// every process keeps its own clock, so with several instances the move is sent to each of them, one after the other,
/// rather than to the one the balancing would pick; otherwise the instances' clocks would disagree on what is due. The
/// answer is the first instance's, or the first failure. With a single instance the request is proxied as any other.
/// </summary>
public static class EveryInstanceClock
{
    /// <summary>The named HttpClient that sends the move to each instance.</summary>
    public const string HttpClientName = "every-instance-clock";

    /// <summary>The middleware; put it first in <c>MapReverseProxy</c>'s pipeline.</summary>
    public static async Task SendAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var destinations = context.GetReverseProxyFeature().AllDestinations;
        if (!HttpMethods.IsPost(context.Request.Method) || destinations.Count < 2 || !IsClockPath(context.Request.Path.Value))
        {
            await next();
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var adminKey = context.RequestServices.GetRequiredService<IConfiguration>()[AdminApiKey.ConfigurationKey];
        var client = context.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        (int Status, string? Type, byte[] Body)? answer = null;
        foreach (var destination in destinations)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(destination.Model.Config.Address.TrimEnd('/') + "/"), "admin/clock"))
            {
                Content = new ByteArrayContent(body.ToArray()),
            };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) ? type : null;
            if (adminKey is { Length: > 0 })
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            }

            (int, string?, byte[]) got;
            try
            {
                using var response = await client.SendAsync(request, context.RequestAborted);
                got = ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync(context.RequestAborted));
            }
            catch (HttpRequestException e)
            {
                got = (StatusCodes.Status502BadGateway, "text/plain", System.Text.Encoding.UTF8.GetBytes($"{destination.Model.Config.Address}: {e.Message}"));
            }

            if (answer is null || (answer.Value.Status < 400 && got.Item1 >= 400))
            {
                answer = got;
            }
        }

        context.Response.StatusCode = answer!.Value.Status;
        if (answer.Value.Type is { } contentType)
        {
            context.Response.Headers[HeaderNames.ContentType] = contentType;
        }

        await context.Response.Body.WriteAsync(answer.Value.Body, context.RequestAborted);
    }

    // /{service}/admin/clock
    private static bool IsClockPath(string? path) =>
        AccessRules.IsServiceAdminPath(path)
        && path!.Split('/', StringSplitOptions.RemoveEmptyEntries) is [_, _, var last] && string.Equals(last, "clock", StringComparison.OrdinalIgnoreCase);
}
