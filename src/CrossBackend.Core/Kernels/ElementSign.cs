using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>
/// The sign rule both engines' sign kernels use: 1 above zero, −1 below, +0 for ±0 (as NumPy and PyTorch) and NaN for
/// NaN (as NumPy and Keras; PyTorch gives 0), the last two as |x|. <c>T.Sign</c> throws on NaN.
/// </summary>
internal static class ElementSign<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Of(Vector<T> v) =>
        Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), Vector<T>.One,
            Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), -Vector<T>.One, Vector.Abs(v)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Of(T x) => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Abs(x);
}
