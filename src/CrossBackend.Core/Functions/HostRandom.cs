namespace CrossBackend;

/// <summary>
/// The host generator behind <see cref="Backend.RandomUniformLike"/> and <see cref="Backend.RandomNormalLike"/>, so
/// that one seed gives the same numbers on every engine: xoshiro256** 1.0 (Blackman and Vigna, 2018) seeded by four
/// outputs of SplitMix64 from the seed. A uniform double is the top 53 bits of one output times 2⁻⁵³, in [0, 1); a
/// normal pair comes from two uniforms by the Box–Muller transform: √(−2 ln(1 − u₁))·cos(2πu₂) and ·sin(2πu₂).
/// Values are drawn in float64 and rounded once to the requested dtype.
/// </summary>
internal sealed class HostRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public HostRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    public ulong NextBits()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary><paramref name="count"/> uniforms in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double[] Uniform(int count, double min, double max)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = min + (max - min) * NextDouble();
        return values;
    }

    /// <summary><paramref name="count"/> normals of mean <paramref name="mean"/> and deviation <paramref name="std"/>.</summary>
    public double[] Normal(int count, double mean, double std)
    {
        var values = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double r = Math.Sqrt(-2 * Math.Log(1 - NextDouble())), theta = 2 * Math.PI * NextDouble();
            values[i] = mean + std * r * Math.Cos(theta);
            if (i + 1 < count) values[i + 1] = mean + std * r * Math.Sin(theta);
        }
        return values;
    }
}
