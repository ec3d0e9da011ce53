namespace Platform.Numerics.Statistics;

/// <summary>
/// Power and minimum detectable effects of two-sided tests with unequal groups: two-proportion z-test for rates (moved
/// here from Campaigns' plan preview, which uses it too) and the z-approximation of Welch's test for means.
/// </summary>
public static class Power
{
    /// <summary>Smallest absolute lift of a rate over <paramref name="baseline"/> detected with <paramref name="power"/> at <paramref name="alpha"/>; null when none is.</summary>
    public static double? MinimumDetectableRateLift(double baseline, double controlSize, double treatedSize, double power = 0.8, double alpha = 0.05) => throw new NotImplementedException();

    /// <summary>Smallest absolute lift of a mean with standard deviation <paramref name="standardDeviation"/> in both arms.</summary>
    public static double? MinimumDetectableMeanLift(double standardDeviation, double controlSize, double treatedSize, double power = 0.8, double alpha = 0.05) => throw new NotImplementedException();

    /// <summary>Units per arm (equal arms) to detect an absolute rate lift.</summary>
    public static double RateSizePerArm(double baseline, double lift, double power = 0.8, double alpha = 0.05) => throw new NotImplementedException();

    /// <summary>Units per arm (equal arms) to detect an absolute mean lift.</summary>
    public static double MeanSizePerArm(double standardDeviation, double lift, double power = 0.8, double alpha = 0.05) => throw new NotImplementedException();
}
