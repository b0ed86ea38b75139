using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// arg-max / arg-min by the rule of NumPy, TensorFlow and libtorch: the first index of the extreme value, a NaN counts
/// as the extreme (the first NaN wins), and −0 and +0 are equal. <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>
/// ranks +0 above −0, so for the row [−0, +0] it answers 1 where the others answer 0; that only matters when the
/// extreme is a zero, which one short backward scan settles.
/// </summary>
internal static class FirstExtremumIndex<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>The first index of the row's maximum (first NaN if any, ±0 equal).</summary>
    public static int OfMax(ReadOnlySpan<T> row) => FirstZeroTie(row, TensorPrimitives.IndexOfMax(row));

    /// <summary>The first index of the row's minimum (first NaN if any, ±0 equal).</summary>
    public static int OfMin(ReadOnlySpan<T> row) => FirstZeroTie(row, TensorPrimitives.IndexOfMin(row));

    /// <summary>When the extreme at <paramref name="index"/> is a zero, an earlier zero of the other sign ties with it
    /// and wins; no earlier element can beat a zero extreme (it would have been chosen).</summary>
    private static int FirstZeroTie(ReadOnlySpan<T> row, int index)
    {
        if (index <= 0 || !T.IsZero(row[index])) return index;
        for (int j = 0; j < index; j++)
            if (T.IsZero(row[j])) return j;
        return index;
    }
}
