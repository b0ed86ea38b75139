using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>The class-weight arg-max of the crossentropy kernels: the first index of a row's maximum by the rule of
/// NumPy, TensorFlow and libtorch's <c>max(dim)</c> (−0 and +0 equal, so a zero maximum finds the first zero of either
/// sign; the first NaN wins).</summary>
internal static unsafe class RowArgMax<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The index in [0, <paramref name="n"/>) of the first maximum of the <paramref name="n"/> ≥ 1 values at
    /// <paramref name="p"/>: the maximum by vectors, then the first element equal to it; a row with a NaN (or shorter
    /// than a vector) element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstMax(T* p, int n)
    {
        int w = Vector<T>.Count;
        if (Vector.IsHardwareAccelerated && n >= w)
        {
            Vector<T> m = Vector.Load(p), nan = ~Vector.Equals(m, m);
            int i = w;
            for (; i + w <= n; i += w)
            {
                Vector<T> v = Vector.Load(p + i);
                nan |= ~Vector.Equals(v, v);
                m = Vector.MaxNative(m, v);
            }
            if (i < n)
            {
                Vector<T> v = Vector.Load(p + n - w);   // overlaps the vectors before: harmless for a maximum
                nan |= ~Vector.Equals(v, v);
                m = Vector.MaxNative(m, v);
            }
            if (nan == Vector<T>.Zero)
            {
                T best = RowMath<T>.HorizontalMaxNative(m);
                var target = new Vector<T>(best);
                for (i = 0; i + w <= n; i += w)
                    if (Vector.EqualsAny(Vector.Load(p + i), target)) break;
                for (; i < n; i++)
                    if (p[i] == best) return i;
            }
        }
        int at = 0;
        T max = p[0];
        for (int c = 1; c < n && !T.IsNaN(max); c++)
            if (p[c] > max || T.IsNaN(p[c]))
            {
                max = p[c];
                at = c;
            }
        return at;
    }
}
