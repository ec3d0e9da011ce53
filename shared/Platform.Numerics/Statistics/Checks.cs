namespace Platform.Numerics.Statistics;

/// <summary>Argument checks shared by the statistics (one message for one mistake).</summary>
internal static class Checks
{
    public static void Confidence(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), $"The confidence level must lie strictly between 0 and 1, got {confidence}.");
        }
    }

    public static void Probability(double value, string name)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must lie strictly between 0 and 1, got {value}.");
        }
    }
}
