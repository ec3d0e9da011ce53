using System.Net;
using Gateway.Features.Access;
using Platform.Testing;

namespace EndToEnd.ApiKeys;

/// <summary>
/// Sign-in for the results pages: a form, a cookie that holds the key for page reads only, no open redirect. The gateway
/// alone (no service is reached).
/// </summary>
public sealed class SignInTests : IAsyncLifetime
{
    private TestGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TestGateway.StartAsync("signin", new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TheSignInPage_IsASelfContainedForm()
    {
        using var client = _gateway.CreateClient(key: "");
        var response = await client.GetAsync("/sign-in?returnUrl=%2Fpages%2Fcampaigns%2F42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("name=\"key\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"returnUrl\" value=\"/pages/campaigns/42\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ABadKey_GetsTheFormAgainWith401_AndNoCookie()
    {
        var (client, cookies) = Browser();
        using (client)
        {
            var response = await SignInAsync(client, "pk_" + new string('x', 43), "/pages/campaigns");

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("name=\"key\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Empty(cookies.GetCookies(_gateway.Address));
        }
    }

    [Theory]
    [InlineData("//evil.example/pages")]
    [InlineData("https://evil.example/pages")]
    [InlineData("/\\evil.example/pages")]
    [InlineData("/\t/evil.example/pages")]
    [InlineData("javascript:alert(1)")]
    [InlineData("pages/campaigns")]
    public async Task AReturnUrlOffThisSite_IsRefused_AndNoCookieIsSet(string returnUrl)
    {
        var (client, cookies) = Browser();
        using (client)
        {
            var response = await SignInAsync(client, await _gateway.CreateKeyAsync("browser", [Scopes.Marketer]), returnUrl);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Empty(cookies.GetCookies(_gateway.Address));
        }
    }

    [Fact]
    public async Task AfterSignIn_TheCookieCountsAsTheKey_ForPageReadsOnly()
    {
        var (client, _) = Browser();
        using (client)
        {
            var response = await SignInAsync(client, await _gateway.CreateKeyAsync("browser", [Scopes.Marketer]), "/pages/campaigns?sort=roi");

            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            Assert.Equal("/pages/campaigns?sort=roi", response.Headers.Location?.OriginalString);
            var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
            Assert.StartsWith(SignInCookie.Name + "=", cookie, StringComparison.Ordinal);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);

            // A page read passes the key check (no such page here: the 404 comes after it).
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/pages/no-such-page")).StatusCode);
            // Not a read, or not a page: the cookie is no key.
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/pages/no-such-page", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/segmentation/v1/segments")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/keys")).StatusCode);
        }
    }

    [Fact]
    public async Task APageWithoutKey_SendsABrowserToSignIn_AndAnyOtherClientGets401()
    {
        var (client, _) = Browser();
        using (client)
        {
            var page = new HttpRequestMessage(HttpMethod.Get, "/pages/campaigns/42?cell=a");
            page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
            var response = await client.SendAsync(page);

            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            Assert.Equal("/sign-in?returnUrl=%2Fpages%2Fcampaigns%2F42%3Fcell%3Da", response.Headers.Location?.OriginalString);
            await ProblemAssert.HasProblemAsync(await client.GetAsync("/pages/campaigns/42"), HttpStatusCode.Unauthorized);
        }
    }

    /// <summary>A client that keeps cookies and does not follow redirects, as a test of a browser's view.</summary>
    private (HttpClient Client, CookieContainer Cookies) Browser()
    {
        var cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        return (_gateway.CreateClient(key: "", handler: handler), cookies);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string returnUrl) =>
        client.PostAsync(SignInCookie.Path, new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl }));
}
