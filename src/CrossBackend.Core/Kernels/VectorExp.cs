using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>
/// exp of double lanes without the library's slow path for results that are exactly 0 or +∞. The vector exp
/// computes every lane of a vector with a lane past its range (below −708, above 709.8, ±∞) by the scalar library
/// exp, through its underflow/overflow error handling: measured on 2^20 doubles, 0.65 ms for exp(−10), 13 ms for
/// exp(−∞), 25–46 ms for exp(−1e9) or exp(−1000) — the values a masked or very confident softmax row holds. Lanes
/// whose exp is exactly 0 (x &lt; −745.14, −∞ included) or +∞ (x &gt; 709.79) are set here instead, so the result is
/// bit for bit the library's.
/// </summary>
internal static class VectorExp
{
    private const double ZeroBelow = -745.14;   // exp(x) < 2^-1075 rounds to +0
    private const double InfinityAbove = 709.79; // exp(x) > double.MaxValue rounds to +∞

    /// <summary>exp of each lane, as <see cref="Vector.Exp(Vector{double})"/> computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Exp(Vector<double> x)
    {
        Vector<long> zero = Vector.LessThan(x, new Vector<double>(ZeroBelow));
        Vector<long> infinite = Vector.GreaterThan(x, new Vector<double>(InfinityAbove));
        if ((zero | infinite) == Vector<long>.Zero) return Vector.Exp(x);
        Vector<double> e = Vector.Exp(Vector.ConditionalSelect(zero | infinite, Vector<double>.Zero, x));
        return Vector.ConditionalSelect(infinite, new Vector<double>(double.PositiveInfinity), Vector.ConditionalSelect(zero, Vector<double>.Zero, e));
    }
}
