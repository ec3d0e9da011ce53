using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Paging;

namespace Platform.ServiceDefaults.Tests;

public sealed class PagingTests
{
    [Fact]
    public void Cursor_RoundTrips_AndOnlyReadsItsOwnShape()
    {
        var cursor = PageCursor.Encode("2024-01-01T00:00:00.000000Z", "name with | and \"quotes\"");
        Assert.True(PageCursor.TryDecode(cursor, 2, out var key));
        Assert.Equal(["2024-01-01T00:00:00.000000Z", "name with | and \"quotes\""], key);
        Assert.False(PageCursor.TryDecode(cursor, 1, out _));
        Assert.False(PageCursor.TryDecode("not a cursor!", 2, out _));
        Assert.False(PageCursor.TryDecode("e30", 2, out _)); // {} in base64url
        Assert.False(PageCursor.TryDecode(new string('A', 5000), 2, out _));
    }

    [Fact]
    public void Read_WithoutParameters_IsTheFirstPageOfTheDefaultSize()
    {
        var page = PageRequest.Read(Request(""), new ValidationErrors(), 1);
        Assert.NotNull(page);
        Assert.Null(page.Key);
        Assert.Equal(PageRequest.DefaultLimit, page.Limit);
        Assert.Equal(PageRequest.DefaultLimit + 1, page.FetchLimit);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=-5")]
    [InlineData("?limit=ten")]
    [InlineData("?limit=1&limit=2")]
    [InlineData("?limit=1e3")]
    public void Read_BadLimit_NamesLimitAndTheMaximum(string query)
    {
        var errors = new ValidationErrors();
        Assert.Null(PageRequest.Read(Request(query), errors, 1));
        Assert.Equal([$"must be a whole number from 1 to {PageRequest.MaxLimit}"], errors.ToDictionary()["limit"]);
    }

    [Theory]
    [InlineData("?after=")]
    [InlineData("?after=garbage")]
    [InlineData("?after=WyJhIiwiYiJd")] // two parts where one is expected
    public void Read_BadAfter_NamesAfter(string query)
    {
        var errors = new ValidationErrors();
        Assert.Null(PageRequest.Read(Request(query), errors, 1));
        Assert.Equal([PageRequest.BadCursor], errors.ToDictionary()["after"]);
    }

    [Fact]
    public void ToPage_WithMoreRows_LinksToTheNextPage_KeepingTheOtherParameters()
    {
        var request = Request("?limit=2&format=json&after=" + PageCursor.Encode("a"), "/v1/things");
        request.Headers["X-Forwarded-Prefix"] = "/svc";
        var page = PageRequest.Read(request, new ValidationErrors(), 1)!;
        var result = page.ToPage(request, ["b", "c", "d"], s => [s]);

        Assert.Equal(["b", "c"], result.Items);
        Assert.Equal("/svc/v1/things?limit=2&format=json&after=" + PageCursor.Encode("c"), result.Next);
    }

    [Fact]
    public void ToPage_OnTheLastPage_HasNoNext()
    {
        var request = Request("?limit=2");
        var result = PageRequest.Read(request, new ValidationErrors(), 1)!.ToPage(request, ["x", "y"], s => [s]);
        Assert.Equal(["x", "y"], result.Items);
        Assert.Null(result.Next);
    }

    private static HttpRequest Request(string query, string path = "/v1/list")
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }
}
