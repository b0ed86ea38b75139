using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>Double-precision accumulation of T vectors, shared by the engines' managed kernels.</summary>
internal static class DoubleLanes<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>low += the vector's first half, high += its second half, in double (float32 widened exactly: two
    /// accumulators, so two chains of adds); a float64 vector is added to low whole.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddWidened(ref Vector<double> low, ref Vector<double> high, Vector<T> values)
    {
        if (typeof(T) == typeof(double))
        {
            low += Vector.As<T, double>(values);
            return;
        }
        Vector.Widen(Vector.As<T, float>(values), out Vector<double> l, out Vector<double> h);
        low += l;
        high += h;
    }
}
