using System.Text.Json;
using Ingestion.Features.Customers;
using Platform.ServiceDefaults;

namespace Ingestion.IntegrationTests;

/// <summary>Validation and normalization of one customer: pure logic, no servers.</summary>
public sealed class CustomerRequestTests
{
    private static readonly TimeProvider Time = new FixedTime(new DateTimeOffset(2025, 6, 15, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Validate_FullCustomer_NormalizesEveryField()
    {
        var request = new CustomerRequest
        {
            Source = " WebShop ",
            ExternalId = " C-1 ",
            Lifecycle = "Prospect",
            FirstName = " Ada ",
            LastName = "",
            Email = " Ada@Example.COM ",
            Phone = "0031 (20) 123-45.67",
            AddressLine = "Main Street 1",
            PostalCode = "1011 AB",
            City = "Amsterdam",
            Region = "NH",
            Country = "nl",
            Gender = "Female",
            BirthDate = "1900-01-01",
            JoinDate = "0800-02-29",
            AcquisitionChannel = "direct-mail",
            AcquisitionCampaign = "SPRING-24",
            Consents = new()
            {
                ["email"] = new ConsentRequest(true, "2024-01-01T01:00:00+01:00"),
                ["SMS"] = new ConsentRequest(false, null),
                ["mail"] = null,
            },
            Attributes = Attributes("""{"tier": "gold", "score": 1.5, "vip": true}"""),
        };

        var customer = Valid(request);

        Assert.Equal("webshop", customer.Source);
        Assert.Equal("C-1", customer.ExternalId);
        Assert.Equal("prospect", customer.Lifecycle);
        Assert.Equal("Ada", customer.FirstName);
        Assert.Null(customer.LastName);
        Assert.Equal("ada@example.com", customer.Email);
        Assert.Equal("+31201234567", customer.Phone);
        Assert.Equal("NL", customer.Country);
        Assert.Equal("female", customer.Gender);
        Assert.Equal(new DateOnly(1900, 1, 1), customer.BirthDate);
        Assert.Equal(new DateOnly(800, 2, 29), customer.JoinDate);
        Assert.Equal(Platform.Data.DeterministicGuid.ForCustomer("webshop", "C-1"), customer.CustomerId);
        Assert.Equal(
            [new NormalizedConsent("email", true, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)), new NormalizedConsent("sms", false, Time.GetUtcNow())],
            customer.Consents);
        Assert.Equal("""{"score":1.5,"tier":"gold","vip":true}""", customer.AttributesJson);
    }

    [Fact]
    public void Validate_OnlyKey_DefaultsToCustomerWithNoConsentsAndEmptyAttributes()
    {
        var customer = Valid(new CustomerRequest { Source = "shop", ExternalId = "1" });

        Assert.Equal("customer", customer.Lifecycle);
        Assert.Empty(customer.Consents);
        Assert.Equal("{}", customer.AttributesJson);
    }

    [Theory]
    [InlineData("+31 20 123 4567", "+31201234567")]
    [InlineData("(020) 123-4567", "0201234567")]
    [InlineData("0044.20.7946.0018", "+442079460018")]
    [InlineData("1234567", "1234567")]
    [InlineData("+123456789012345", "+123456789012345")]
    public void NormalizePhone_KeepsPlusAndDigits(string phone, string expected)
    {
        Assert.Equal(expected, CustomerRequest.NormalizePhone(phone));
    }

    [Theory]
    [InlineData("123456")]              // 6 digits
    [InlineData("+1234567890123456")]   // 16 digits
    [InlineData("call me")]
    [InlineData("+31 20 12x 4567")]
    [InlineData("++31201234567")]
    public void NormalizePhone_NotAPhoneNumber_IsNull(string phone)
    {
        Assert.Null(CustomerRequest.NormalizePhone(phone));
    }

    [Fact]
    public void Validate_EveryFieldBad_NamesEachFieldOnce()
    {
        var request = new CustomerRequest
        {
            Source = new string('s', 65),
            ExternalId = " ",
            Lifecycle = "vip",
            FirstName = new string('f', 201),
            LastName = new string('l', 201),
            Email = "ada@",
            Phone = "12",
            AddressLine = new string('a', 201),
            PostalCode = new string('p', 21),
            City = new string('c', 201),
            Region = new string('r', 201),
            Country = "NLD",
            Gender = "x",
            BirthDate = "1899-12-31",
            JoinDate = "2025-06-16",
            AcquisitionChannel = new string('c', 101),
            AcquisitionCampaign = new string('c', 101),
            Consents = new()
            {
                ["fax"] = new ConsentRequest(true, null),
                ["email"] = new ConsentRequest(null, "yesterday"),
                ["sms"] = new ConsentRequest(true, "2025-06-16T00:00:00Z"),
                ["phone"] = new ConsentRequest(true, "2024-01-01T00:00:00"), // no offset
            },
            Attributes = Attributes("""{"nested": {"a": 1}, "list": [1], "nothing": null, "long": "LONG"}""".Replace("LONG", new string('x', 1001), StringComparison.Ordinal)),
        };

        var errors = Invalid(request);

        Assert.Equal(
            [
                "acquisitionCampaign", "acquisitionChannel", "addressLine", "attributes.list", "attributes.long", "attributes.nested", "attributes.nothing",
                "birthDate", "city", "consents.email.at", "consents.email.granted", "consents.fax", "consents.phone.at", "consents.sms.at", "country",
                "email", "externalId", "firstName", "gender", "joinDate", "lastName", "lifecycle", "phone", "postalCode", "region", "source",
            ],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("2025-02-30")]
    [InlineData("15-06-2025")]
    [InlineData("2025-6-1")]
    [InlineData("2025-06-01T00:00:00Z")]
    public void Validate_DateNotIsoDate_NamesTheField(string date)
    {
        var errors = Invalid(new CustomerRequest { Source = "s", ExternalId = "1", BirthDate = date, JoinDate = date });

        Assert.Equal(["birthDate", "joinDate"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_TodayIsNotTheFuture()
    {
        var customer = Valid(new CustomerRequest { Source = "s", ExternalId = "1", BirthDate = "2025-06-15", JoinDate = "2025-06-15" });

        Assert.Equal(new DateOnly(2025, 6, 15), customer.JoinDate);
    }

    [Fact]
    public void Validate_TooManyOrTooLongAttributeKeys_AreNamed()
    {
        var many = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => JsonSerializer.SerializeToElement(i));
        many[new string('k', 65)] = JsonSerializer.SerializeToElement("v");

        var errors = Invalid(new CustomerRequest { Source = "s", ExternalId = "1", Attributes = many });

        Assert.Contains("attributes", errors.Keys);
        Assert.Contains("attributes." + new string('k', 65), errors.Keys);
    }

    [Fact]
    public void Validate_WithPrefix_NamesFieldsOfTheBatchItem()
    {
        var errors = new ValidationErrors();

        Assert.Null(new CustomerRequest { Source = "s", Email = "x" }.Validate(errors.WithPrefix("[7]."), Time));
        Assert.Equal(["[7].email", "[7].externalId"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    private static NormalizedCustomer Valid(CustomerRequest request)
    {
        var errors = new ValidationErrors();
        var customer = request.Validate(errors, Time);
        Assert.False(errors.HasErrors, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return customer!;
    }

    private static IDictionary<string, string[]> Invalid(CustomerRequest request)
    {
        var errors = new ValidationErrors();
        Assert.Null(request.Validate(errors, Time));
        return errors.ToDictionary();
    }

    private static Dictionary<string, JsonElement> Attributes(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
