using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Ingestion;
using Platform.Testing;

namespace Segmentation.IntegrationTests;

/// <summary>Erasure reaches copies of a customer's data parked in Segmentation's error queues (DESIGN: erasure).</summary>
public sealed class ErrorQueueErasureTests : IAsyncLifetime
{
    private const string ErrorQueue = "segmentation-transactions-recorded_error";
    private SegmentationTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SegmentationTestHost.StartAsync("errq-erasure");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CustomerErased_CutsTheCustomerOutOfParkedMessages_AndKeepsEveryoneElse()
    {
        var erased = Guid.NewGuid();
        var other = Guid.NewGuid();
        await _host.VirtualHost.PublishToQueueAsync(ErrorQueue,
            Envelope("Ingestion:TransactionsRecorded", $$"""{"transactions":[{"customerId":"{{erased}}","orderId":"A"},{"customerId":"{{other}}","orderId":"B"}]}"""),
            Envelope("Ingestion:TransactionsRecorded", $$"""{"transactions":[{"customerId":"{{other}}","orderId":"C"}]}"""),
            Envelope("Ingestion:CustomerErased", $$"""{"customerId":"{{erased}}","erasedAt":"2026-01-01T00:00:00Z"}"""));

        await _host.App.Services.GetRequiredService<IBus>().Publish(new CustomerErased { CustomerId = erased, ErasedAt = DateTimeOffset.UtcNow });

        var id = erased.ToString();
        // Judged on the same look that saw the cut: the eraser takes messages off the queue and puts them back, so a later
        // look taken while another pass over the queue runs may miss one for a moment (it is back afterwards, never lost).
        var messages = await Eventually.ValueAsync(async () =>
        {
            var parked = await _host.VirtualHost.PeekAsync(ErrorQueue, 10);
            return parked.Count == 3 && parked.Count(b => b.Contains(id, StringComparison.Ordinal)) == 1 ? parked : null;
        }, "the erased customer cut out of the parked messages");
        Assert.Single(messages, m => m.Contains("\"orderId\":\"B\"", StringComparison.Ordinal) && !m.Contains("\"orderId\":\"A\"", StringComparison.Ordinal));
        Assert.Single(messages, m => m.Contains("\"orderId\":\"C\"", StringComparison.Ordinal));
        Assert.Single(messages, m => m.Contains("CustomerErased", StringComparison.Ordinal) && m.Contains(id, StringComparison.Ordinal)); // erasures stay
    }

    private static string Envelope(string type, string message) =>
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:Platform.Contracts.{{type}}"],"message":{{message}}}""";
}
