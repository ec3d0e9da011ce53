using Gateway.Features.Access;

namespace Gateway.Tests;

public sealed class AccessRulesTests
{
    [Theory]
    [InlineData("GET", "/health/ready")]
    [InlineData("GET", "/health/live")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/docs")]
    [InlineData("GET", "/docs/index.html")]
    [InlineData("GET", "/sign-in")]
    [InlineData("POST", "/sign-in")]
    [InlineData("GET", "/ingestion/health/ready")]
    [InlineData("GET", "/Segmentation/Health/live")]
    [InlineData("GET", "/campaigns/openapi/v1.json")]
    public void PublicPaths_NeedNoKey(string method, string path) =>
        Assert.Equal(RouteAccess.Anonymous, AccessRules.For(method, path));

    [Theory]
    [InlineData("POST", "/ingestion/v1/customers", Scopes.Ingest)]
    [InlineData("GET", "/ingestion/v1/customers/0c9b4f5e-6a1e-4a47-9d4e-4f7a1c7e1c11", Scopes.Ingest)]
    [InlineData("POST", "/ingestion/v1/imports", Scopes.Ingest)]
    [InlineData("DELETE", "/ingestion/v1/responses/0c9b4f5e-6a1e-4a47-9d4e-4f7a1c7e1c11", Scopes.Ingest)]
    [InlineData("DELETE", "/ingestion/v1/customers/0c9b4f5e-6a1e-4a47-9d4e-4f7a1c7e1c11", Scopes.Admin)]
    [InlineData("delete", "/INGESTION/V1/CUSTOMERS/0c9b4f5e-6a1e-4a47-9d4e-4f7a1c7e1c11", Scopes.Admin)]
    [InlineData("DELETE", "/ingestion//v1//customers/0c9b4f5e-6a1e-4a47-9d4e-4f7a1c7e1c11/", Scopes.Admin)]
    [InlineData("GET", "/segmentation/v1/segments", Scopes.Marketer)]
    [InlineData("POST", "/campaigns/v1/campaigns", Scopes.Marketer)]
    [InlineData("POST", "/measurement/v1/stats/compare", Scopes.Marketer)]
    [InlineData("GET", "/measurement/healthy-looking/path", Scopes.Marketer)]
    [InlineData("GET", "/ingestion/admin/jobs", Scopes.Admin)]
    [InlineData("POST", "/Segmentation/ADMIN/error-queues/x/replay", Scopes.Admin)]
    [InlineData("GET", "/measurement/admin/clock", Scopes.Admin)]
    public void ServiceRoutes_NeedTheirScope(string method, string path, string scope)
    {
        var access = AccessRules.For(method, path);

        Assert.Equal(RouteAccessKind.Scope, access.Kind);
        Assert.Equal(scope, access.Scope);
    }

    [Theory]
    [InlineData("/ingestion/admin/jobs", true)]
    [InlineData("/campaigns//Admin/jobs", true)]
    [InlineData("/admin/keys", false)]
    [InlineData("/ingestion/v1/admin", false)]
    [InlineData("/nowhere/admin/jobs", false)]
    public void OnlyAServicesAdminPaths_AreForwardedWithTheAdminKey(string path, bool serviceAdmin)
    {
        Assert.Equal(serviceAdmin, AccessRules.IsServiceAdminPath(path));
        Assert.Equal(serviceAdmin, AccessRules.For("GET", path).ServiceAdmin);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("/admin/keys")]
    [InlineData("/marketing/v1/campaigns")]
    [InlineData("/pages/campaigns")]
    [InlineData("/sign-in/more")]
    [InlineData("/nowhere")]
    public void TheGatewaysOwnPaths_AreDecidedByTheirEndpoint(string path) =>
        Assert.Equal(RouteAccess.ByEndpoint, AccessRules.For("GET", path));
}
