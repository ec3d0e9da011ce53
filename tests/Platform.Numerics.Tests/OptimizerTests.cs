namespace Platform.Numerics.Tests;

public sealed class OptimizerTests
{
    [Fact]
    public void Minimize_Rosenbrock_FindsTheValley()
    {
        var result = Optimizer.Minimize(Rosenbrock, [-1.2, 1.0], 300, CancellationToken.None);

        Assert.True(result.Converged);
        Assert.Equal(1.0, result.Point[0], 1e-6);
        Assert.Equal(1.0, result.Point[1], 1e-6);
    }

    [Fact]
    public void Minimize_FromAnInfeasibleStart_FallsBackToTheSimplexAndStillFindsTheMinimum()
    {
        // (x - 2)² + (y + 1)², infeasible (non-finite) for x < 0.5, starting there.
        double Shifted(ReadOnlySpan<double> x, Span<double> g)
        {
            g[0] = 2 * (x[0] - 2);
            g[1] = 2 * (x[1] + 1);
            return x[0] < 0.5 ? double.PositiveInfinity : ((x[0] - 2) * (x[0] - 2)) + ((x[1] + 1) * (x[1] + 1));
        }

        var result = Optimizer.Minimize(Shifted, [0.0, 0.0], 300, CancellationToken.None);

        Assert.Equal(2.0, result.Point[0], 1e-5);
        Assert.Equal(-1.0, result.Point[1], 1e-5);
    }

    [Fact]
    public void Minimize_WhenCancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Optimizer.Minimize(Rosenbrock, [-1.2, 1.0], 300, cancelled.Token));
    }

    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        var a = 1 - x[0];
        var b = x[1] - (x[0] * x[0]);
        g[0] = (-2 * a) - (400 * x[0] * b);
        g[1] = 200 * b;
        return (a * a) + (100 * b * b);
    }
}
