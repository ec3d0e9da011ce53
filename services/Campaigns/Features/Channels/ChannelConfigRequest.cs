using Platform.ServiceDefaults;

namespace Campaigns.Features.Channels;

/// <summary>The body of <c>PUT /v1/channels/{channel}</c>: <c>file</c>, or <c>webhook</c> with its URL and signing secret.</summary>
public sealed record ChannelConfigRequest
{
    public string? Mode { get; init; }

    /// <summary>https, or http on a loopback address (a local sink).</summary>
    public string? Url { get; init; }

    /// <summary>The HMAC-SHA256 key (16 to 256 characters); never shown again.</summary>
    public string? Secret { get; init; }

    /// <summary>Checks every field into <paramref name="errors"/>; the (mode, url, secret) to store, or null.</summary>
    public (string Mode, string? Url, string? Secret)? Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Mode is not ("webhook" or "file"))
        {
            errors.Add("mode", "is required: webhook or file");
            return null;
        }

        if (Mode == "file")
        {
            if (Url is not null)
            {
                errors.Add("url", "must be absent in file mode");
            }

            if (Secret is not null)
            {
                errors.Add("secret", "must be absent in file mode");
            }

            return errors.HasErrors ? null : ("file", null, null);
        }

        if (Url is null || Url.Length > 2048 || !Uri.TryCreate(Url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add("url", "is required: an absolute https URL (http only on a loopback address), without user information");
        }

        if (Secret is null || Secret.Length < 16 || Secret.Length > 256 || !Platform.ServiceDefaults.Validation.Text.IsStorable(Secret))
        {
            errors.Add("secret", "is required: 16 to 256 characters");
        }

        return errors.HasErrors ? null : ("webhook", Url, Secret);
    }
}
