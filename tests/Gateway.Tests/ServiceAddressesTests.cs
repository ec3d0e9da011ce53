using Gateway.Features.Proxy;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests;

public sealed class ServiceAddressesTests
{
    private static IConfiguration Config(string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Services:Ingestion"] = value }).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ")]
    public void NothingConfigured_GivesTheDefault(string? value) =>
        Assert.Equal(["http://127.0.0.1:8081"], ServiceAddresses.Of(Config(value), "Ingestion", "http://127.0.0.1:8081"));

    [Fact]
    public void SeveralAddresses_KeepTheirOrder_TheFirstIsTheDefault()
    {
        var config = Config("http://127.0.0.1:9081/, http://127.0.0.1:9181,http://127.0.0.1:9081");

        Assert.Equal(["http://127.0.0.1:9081", "http://127.0.0.1:9181"], ServiceAddresses.Of(config, "Ingestion", "http://127.0.0.1:8081"));
        Assert.Equal("http://127.0.0.1:9081", GatewayExtensions.AddressOf(config, "Ingestion", "http://127.0.0.1:8081"));
    }

    [Theory]
    [InlineData("127.0.0.1:9081")]
    [InlineData("http://127.0.0.1:9081,ftp://host")]
    public void AnAddressThatIsNotHttp_IsAConfigurationError_NamingTheVariable(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceAddresses.Of(Config(value), "Ingestion", "http://127.0.0.1:8081"));
        Assert.Contains("Services__Ingestion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DestinationNames_KeepPrimaryForTheFirst() =>
        Assert.Equal(["primary", "replica2", "replica3"], Enumerable.Range(0, 3).Select(ServiceAddresses.DestinationName));
}
