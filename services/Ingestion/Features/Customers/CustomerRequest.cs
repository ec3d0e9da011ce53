using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Validation;

namespace Ingestion.Features.Customers;

/// <summary>
/// One customer as other systems send it (<c>POST /v1/customers</c>, each item of <c>/v1/customers/batch</c>, a row of a
/// customer import). Every field is optional to the parser and dates are strings, so that <see cref="Validate"/> can
/// name every bad field in one answer instead of stopping at the first.
/// </summary>
public sealed partial class CustomerRequest
{
    public const int MaxAttributes = 50;
    public const int MaxAttributeKeyLength = 64;
    public const int MaxAttributeValueLength = 1000;

    // A consent stamped a little ahead of our clock is the sender's clock skew, not a promise about the future.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    public string? Source { get; init; }
    public string? ExternalId { get; init; }

    /// <summary><c>prospect</c> or <c>customer</c> (the default).</summary>
    public string? Lifecycle { get; init; }

    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? AddressLine { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }

    /// <summary>ISO 3166-1 alpha-2, any case.</summary>
    public string? Country { get; init; }

    /// <summary><c>female</c>, <c>male</c> or <c>other</c>.</summary>
    public string? Gender { get; init; }

    /// <summary>ISO date (yyyy-MM-dd), from 1900 up to today.</summary>
    public string? BirthDate { get; init; }

    /// <summary>ISO date (yyyy-MM-dd), any era up to today.</summary>
    public string? JoinDate { get; init; }

    public string? AcquisitionChannel { get; init; }
    public string? AcquisitionCampaign { get; init; }

    /// <summary>Per channel (<c>email</c>, <c>sms</c>, <c>mail</c>, <c>phone</c>); a channel left out keeps what is stored.</summary>
    public Dictionary<string, ConsentRequest?>? Consents { get; init; }

    /// <summary>Free attributes: string keys, values string, number or boolean. Replaces the stored set.</summary>
    public Dictionary<string, JsonElement>? Attributes { get; init; }

    /// <summary>
    /// Checks every field, recording each problem in <paramref name="errors"/> (use <c>errors.WithPrefix("[i].")</c> for
    /// the i-th item of a batch), and returns the normalized customer, or null when anything was wrong.
    /// <paramref name="time"/> says what "now" is (dates may not lie in the future; a consent without <c>at</c> is stamped
    /// now): pass the injected <see cref="TimeProvider"/>.
    /// </summary>
    public NormalizedCustomer? Validate(ValidationErrors errors, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var mark = new Marker(errors);

        // JSON bodies are checked for NUL and lone surrogates by the serializer options; CSV cells reach here unchecked.
        foreach (var (field, value) in new[]
        {
            ("source", Source), ("externalId", ExternalId), ("lifecycle", Lifecycle), ("firstName", FirstName), ("lastName", LastName),
            ("email", Email), ("phone", Phone), ("addressLine", AddressLine), ("postalCode", PostalCode), ("city", City), ("region", Region),
            ("country", Country), ("gender", Gender), ("birthDate", BirthDate), ("joinDate", JoinDate),
            ("acquisitionChannel", AcquisitionChannel), ("acquisitionCampaign", AcquisitionCampaign),
        })
        {
            if (value is not null && !Text.IsStorable(value))
            {
                mark.Add(field, Text.NotStorable);
            }
        }

        mark.Required("source", Source);
        mark.MaxLength("source", Clean(Source), 64);
        mark.Required("externalId", ExternalId);
        mark.MaxLength("externalId", Clean(ExternalId), 128);

        var lifecycle = Clean(Lifecycle)?.ToLowerInvariant() ?? "customer";
        if (lifecycle is not ("customer" or "prospect"))
        {
            mark.Add("lifecycle", "must be 'customer' or 'prospect'");
        }

        foreach (var (field, value, max) in new[]
        {
            ("firstName", FirstName, 200), ("lastName", LastName, 200), ("addressLine", AddressLine, 200), ("postalCode", PostalCode, 20),
            ("city", City, 200), ("region", Region, 200), ("acquisitionChannel", AcquisitionChannel, 100), ("acquisitionCampaign", AcquisitionCampaign, 100),
        })
        {
            mark.MaxLength(field, Clean(value), max);
        }

        var email = Clean(Email)?.ToLowerInvariant();
        if (email is not null && (email.Length > 254 || !EmailShape().IsMatch(email)))
        {
            mark.Add("email", "is not an email address");
        }

        var phone = NormalizePhone(Phone);
        if (Clean(Phone) is not null && phone is null)
        {
            mark.Add("phone", "must be 7 to 15 digits, optionally after '+' or '00' (spaces, dashes, dots and parentheses are ignored)");
        }

        var country = Clean(Country)?.ToUpperInvariant();
        if (country is not null && !CountryShape().IsMatch(country))
        {
            mark.Add("country", "must be an ISO 3166-1 alpha-2 code such as 'NL'");
        }

        var gender = Clean(Gender)?.ToLowerInvariant();
        if (gender is not null && gender is not ("female" or "male" or "other"))
        {
            mark.Add("gender", "must be 'female', 'male' or 'other'");
        }

        var birthDate = ParseDate(mark, "birthDate", BirthDate, today);
        if (birthDate < EarliestBirthDate)
        {
            mark.Add("birthDate", "must not be before 1900-01-01");
        }

        var joinDate = ParseDate(mark, "joinDate", JoinDate, today);
        var consents = NormalizeConsents(mark, now);
        var attributes = NormalizeAttributes(mark);

        if (mark.Failed)
        {
            return null;
        }

        return new NormalizedCustomer(
            Source!.Trim().ToLowerInvariant(), ExternalId!.Trim(), lifecycle,
            Clean(FirstName), Clean(LastName), email, phone, Clean(AddressLine), Clean(PostalCode), Clean(City), Clean(Region), country,
            gender, birthDate, joinDate, Clean(AcquisitionChannel), Clean(AcquisitionCampaign), consents, attributes);
    }

    /// <summary>'+' and 7–15 digits: separators dropped, a leading '00' read as '+'; null when that is not possible.</summary>
    public static string? NormalizePhone(string? phone)
    {
        var value = Clean(phone);
        if (value is null)
        {
            return null;
        }

        var compact = PhoneSeparators().Replace(value, "");
        if (compact.StartsWith("00", StringComparison.Ordinal))
        {
            compact = "+" + compact[2..];
        }

        return PhoneShape().IsMatch(compact) ? compact : null;
    }

    private static DateOnly? ParseDate(Marker mark, string field, string? value, DateOnly today)
    {
        var text = Clean(value);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            mark.Add(field, "must be an ISO date (yyyy-MM-dd)");
            return null;
        }

        if (date > today)
        {
            mark.Add(field, "must not be in the future");
        }

        return date;
    }

    private List<NormalizedConsent> NormalizeConsents(Marker mark, DateTimeOffset now)
    {
        var consents = new List<NormalizedConsent>();
        foreach (var (key, consent) in Consents ?? [])
        {
            var channel = key.Trim().ToLowerInvariant();
            var field = $"consents.{key}";
            if (!ConsentChannels.IsChannel(channel))
            {
                mark.Add(field, "is not a channel: use 'email', 'sms', 'mail' or 'phone'");
                continue;
            }

            if (consent is null)
            {
                continue; // "sms": null says nothing about sms
            }

            if (consent.Granted is null)
            {
                mark.Add(field + ".granted", "is required (true or false)");
            }

            var at = now;
            if (Clean(consent.At) is { } text)
            {
                if (!IsoTimestamp.TryParse(text, out at))
                {
                    mark.Add(field + ".at", IsoTimestamp.Expected);
                }
                else if (at > now + ClockSkew)
                {
                    mark.Add(field + ".at", "must not be in the future");
                }
            }

            if (consents.Any(c => c.Channel == channel))
            {
                mark.Add(field, "is given twice");
            }
            else if (consent.Granted is { } granted)
            {
                consents.Add(new NormalizedConsent(channel, granted, at.ToUniversalTime()));
            }
        }

        return consents;
    }

    /// <summary>The attributes as JSON with keys in ordinal order, so equal sets compare equal as text too.</summary>
    private string NormalizeAttributes(Marker mark)
    {
        var attributes = Attributes ?? [];
        if (attributes.Count > MaxAttributes)
        {
            mark.Add("attributes", $"must have at most {MaxAttributes} keys");
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                var field = $"attributes.{key}";
                if (string.IsNullOrWhiteSpace(key) || key.Length > MaxAttributeKeyLength)
                {
                    mark.Add(field, $"keys must be 1 to {MaxAttributeKeyLength} characters");
                }
                else if (!Text.IsStorable(key))
                {
                    mark.Add(field, "keys " + Text.NotStorable);
                }

                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    mark.Add(field, "must be a string, number or boolean");
                    continue;
                }

                if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > MaxAttributeValueLength)
                {
                    mark.Add(field, $"must be at most {MaxAttributeValueLength} characters");
                }
                else if (value.ValueKind == JsonValueKind.String && !Text.IsStorable(value.GetString()))
                {
                    mark.Add(field, Text.NotStorable);
                }

                json.WritePropertyName(key);
                value.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryShape();

    [GeneratedRegex(@"[\s\-.()]")]
    private static partial Regex PhoneSeparators();

    [GeneratedRegex(@"^\+?[0-9]{7,15}$")]
    private static partial Regex PhoneShape();

    /// <summary>
    /// Records into the caller's errors and remembers whether anything was recorded through it: in a batch the errors
    /// already hold other items' problems, so their count cannot tell whether this item is valid.
    /// </summary>
    private sealed class Marker(ValidationErrors errors)
    {
        public bool Failed { get; private set; }

        public void Add(string field, string message)
        {
            errors.Add(field, message);
            Failed = true;
        }

        public void Required(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, "is required");
            }
        }

        public void MaxLength(string field, string? value, int max)
        {
            if (value is not null && value.Length > max)
            {
                Add(field, $"must be at most {max} characters");
            }
        }
    }
}

/// <summary>Consent for one channel: <c>granted</c> is required; <c>at</c> (an ISO 8601 timestamp with offset or Z) defaults to now.</summary>
public sealed record ConsentRequest(bool? Granted, string? At);
