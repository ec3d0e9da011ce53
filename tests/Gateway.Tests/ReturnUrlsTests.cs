using Gateway.Features.Keys;

namespace Gateway.Tests;

public sealed class ReturnUrlsTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/pages/campaigns")]
    [InlineData("/pages/campaigns/42?cell=a&x=%2F%2Fevil")]
    public void LocalPaths_AreAllowed(string url) => Assert.True(ReturnUrls.IsLocal(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/pages\\..\\x")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("pages/campaigns")]
    public void AnythingThatCouldLeaveTheSite_IsRefused(string? url) => Assert.False(ReturnUrls.IsLocal(url));
}
