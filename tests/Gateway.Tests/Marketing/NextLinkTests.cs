using Gateway.Features.Marketing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Marketing;

public sealed class NextLinkTests
{
    [Fact]
    public void NextLink_IsTheCalledRouteWithCampaignsCursor_AndTheMarketersOtherParameters()
    {
        var request = new DefaultHttpContext().Request;
        request.Path = "/marketing/v1/campaigns";
        request.QueryString = new QueryString("?status=running&limit=2&after=old&junk=1");

        var next = CampaignListReader.NextLink(request, "/campaigns/v1/campaigns?status=running&limit=2&after=NEW-cursor_1");

        Assert.Equal("/marketing/v1/campaigns?status=running&limit=2&after=NEW-cursor_1", next);
        Assert.Null(CampaignListReader.NextLink(request, null));
    }
}
