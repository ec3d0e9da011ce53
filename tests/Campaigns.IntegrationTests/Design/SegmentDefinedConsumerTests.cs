using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Segmentation;
using Platform.Testing;

namespace Campaigns.IntegrationTests.Design;

/// <summary>The segment catalog follows Segmentation's <see cref="SegmentDefined"/> events, the highest version winning.</summary>
public sealed class SegmentDefinedConsumerTests : IAsyncLifetime
{
    private ServiceTestHost<Program> _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceTestHost<Program>.StartAsync("campaigns-segments", new ServiceTestHostOptions { OnLoopback = false });
        await _host.WaitBusReadyAsync(); // the consumer's queue is bound before anything is published
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Catalog_KeepsTheHighestVersion_WhateverTheOrder_AndADeletedSegmentCannotBeTargeted()
    {
        var segment = Guid.NewGuid();
        await PublishAsync(new SegmentDefined { SegmentId = segment, Name = "v2", Deleted = false, Version = 2 });
        await Eventually.TrueAsync(async () => await NameAsync(segment) == "v2", "version 2 in the catalog");

        var created = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("SEG-1", segment));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // An older event arriving late: once it is handled (its inbox row), the catalog still holds version 2.
        var late = await PublishAsync(new SegmentDefined { SegmentId = segment, Name = "v1", Deleted = false, Version = 1 });
        await Eventually.TrueAsync(async () => await _host.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM inbox_messages WHERE message_id = @late)", new { late }), "the late event handled");
        Assert.Equal("v2", await NameAsync(segment));

        await PublishAsync(new SegmentDefined { SegmentId = segment, Name = "v2", Deleted = true, Version = 3 });
        await Eventually.TrueAsync(() => _host.ScalarAsync<bool>("SELECT deleted FROM segments WHERE segment_id = @segment", new { segment }), "the deletion in the catalog");

        var refused = await Client.PostAsJsonAsync("/v1/campaigns", CampaignRequests.Valid("SEG-2", segment));
        await ProblemAssert.HasProblemAsync(refused, HttpStatusCode.BadRequest, "segmentId");
    }

    private HttpClient Client => _host.Client;

    private Task<string?> NameAsync(Guid segment) => _host.ScalarAsync<string?>("SELECT name FROM segments WHERE segment_id = @segment", new { segment });

    private async Task<Guid> PublishAsync(SegmentDefined message)
    {
        var messageId = Guid.NewGuid();
        await _host.App.Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId);
        return messageId;
    }
}
