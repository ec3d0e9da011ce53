using System.Text.RegularExpressions;
using Platform.ServiceDefaults;

namespace Ingestion.Features.Customers;

/// <summary>Body of <c>POST /v1/customers</c>. Every field is optional to the parser so that validation can name each missing one.</summary>
public sealed partial record CustomerRequest(
    string? Source,
    string? ExternalId,
    string? Lifecycle,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? City,
    string? Region,
    string? Country)
{
    /// <summary>Checks every field and returns the normalized customer, or the errors.</summary>
    public (NormalizedCustomer? Customer, ValidationErrors Errors) Validate()
    {
        var errors = new ValidationErrors();
        errors.Required("source", Source);
        errors.MaxLength("source", Source, 64);
        errors.Required("externalId", ExternalId);
        errors.MaxLength("externalId", ExternalId, 128);
        var lifecycle = string.IsNullOrWhiteSpace(Lifecycle) ? "customer" : Lifecycle.Trim().ToLowerInvariant();
        if (lifecycle is not ("customer" or "prospect"))
        {
            errors.Add("lifecycle", "must be 'customer' or 'prospect'");
        }

        foreach (var (field, value) in new[] { ("firstName", FirstName), ("lastName", LastName), ("city", City), ("region", Region), ("phone", Phone) })
        {
            errors.MaxLength(field, value, 200);
        }

        var email = Clean(Email)?.ToLowerInvariant();
        if (email is not null && (email.Length > 254 || !EmailShape().IsMatch(email)))
        {
            errors.Add("email", "is not an email address");
        }

        var country = Clean(Country)?.ToUpperInvariant();
        if (country is not null && !CountryShape().IsMatch(country))
        {
            errors.Add("country", "must be an ISO 3166-1 alpha-2 code such as 'NL'");
        }

        if (errors.HasErrors)
        {
            return (null, errors);
        }

        return (new NormalizedCustomer(Source!.Trim().ToLowerInvariant(), ExternalId!.Trim(), lifecycle, Clean(FirstName), Clean(LastName), email, Clean(Phone), Clean(City), Clean(Region), country), errors);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryShape();
}

/// <summary>A validated customer: trimmed, source and email lower case, country upper case.</summary>
public sealed record NormalizedCustomer(
    string Source,
    string ExternalId,
    string Lifecycle,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? City,
    string? Region,
    string? Country);
