using Demo.Generation;
using Demo.Simulation;

namespace Demo;

/// <summary>How <see cref="MarketingLoop.RunAsync"/> runs: where the platform is, with which key, how big and which seed.</summary>
public sealed record DemoOptions
{
    /// <summary>The gateway's base address (everything goes through it).</summary>
    public required Uri Gateway { get; init; }

    /// <summary>The admin key (<c>PLATFORM_ADMIN_API_KEY</c>): creates the demo's ingest and marketer keys, moves the services' clocks.</summary>
    public required string AdminKey { get; init; }

    /// <summary>Customers with two years of orders.</summary>
    public int Customers { get; init; } = 50_000;

    /// <summary>Prospects from the partner list (no orders).</summary>
    public int Prospects { get; init; } = 20_000;

    /// <summary>Seed of the generator and the channel simulator.</summary>
    public int Seed { get; init; } = GeneratorParameters.Default.Seed;

    /// <summary>Where progress and the report are written (null: nowhere).</summary>
    public TextWriter? Output { get; init; }

    /// <summary>The whole run must finish within this (real) time, or it is cancelled.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Confidence of the intervals read from the results API (e.g. 0.999 for a test that must not fail by chance).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>The true effects the channel simulator answers with.</summary>
    public SimulationParameters Simulation { get; init; } = SimulationParameters.Default;

    /// <summary>The generator's parameters but the counts and seed (taken from this record).</summary>
    public GeneratorParameters Generator { get; init; } = GeneratorParameters.Default;
}
