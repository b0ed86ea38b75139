using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>The mean of a fused kernel's per-row losses, taken where the kernel wrote them (both first-party engines):
/// no engine call after the kernel, and one order of additions on both.</summary>
internal static class RowLossMean
{
    /// <summary>The mean of every element, accumulated in double (four partial sums, so the adds do not wait on each
    /// other), rounded to T. Called once per op: compiled fully optimised at once, not left in tier-0 code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Of<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            s0 += double.CreateTruncating(values[i]);
            s1 += double.CreateTruncating(values[i + 1]);
            s2 += double.CreateTruncating(values[i + 2]);
            s3 += double.CreateTruncating(values[i + 3]);
        }
        for (; i < values.Length; i++) s0 += double.CreateTruncating(values[i]);
        double sum = (s0 + s1) + (s2 + s3);
        return T.CreateTruncating(sum / values.Length);
    }
}
