namespace Demo.Simulation;

/// <summary>Seeds derived from text the same way in every process (string.GetHashCode is randomized per process).</summary>
public static class StableSeed
{
    /// <summary>FNV-1a over the parts, mixed with <paramref name="seed"/>.</summary>
    public static int Of(int seed, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var hash = 2_166_136_261u ^ (uint)seed;
        foreach (var part in parts)
        {
            foreach (var c in part)
            {
                hash = (hash ^ c) * 16_777_619u;
            }

            hash = (hash ^ 0x1F) * 16_777_619u;
        }

        return (int)(hash & 0x7FFF_FFFF);
    }
}
