using Platform.Testing;

namespace EndToEnd.ApiKeys;

/// <summary>Ingestion and Segmentation (each with its own database and vhost) behind a <see cref="TestGateway"/>.</summary>
public sealed class ApiKeysFixture : IAsyncLifetime
{
    private ServiceTestHost<Ingestion.Program> _ingestion = null!;
    private ServiceTestHost<Segmentation.Program> _segmentation = null!;

    /// <summary>The gateway in front of both.</summary>
    public TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ingestion = await ServiceTestHost<Ingestion.Program>.StartAsync("keys_ingestion");
        _segmentation = await ServiceTestHost<Segmentation.Program>.StartAsync("keys_segmentation", new ServiceTestHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Scoring:Schedule:Enabled"] = "false" },
        });
        Gateway = await TestGateway.StartAsync("keys", new Dictionary<string, string?>
        {
            ["Services:Ingestion"] = _ingestion.Client.BaseAddress!.ToString().TrimEnd('/'),
            ["Services:Segmentation"] = _segmentation.Client.BaseAddress!.ToString().TrimEnd('/'),
        });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _segmentation.DisposeAsync();
        await _ingestion.DisposeAsync();
    }
}
