using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CrossBackend;

/// <summary>
/// The sparse losses' label check over host memory, a vector at a time: every label an integer class index in
/// [0, C), and on the channels-last engine int64 or int32 labels converted to the prediction's float type in the same
/// pass; TorchSharp checks a CPU tensor's labels here instead of with libtorch reductions and a host read. One scalar test and conversion per label
/// (generic <c>IsInteger</c>, <c>CreateSaturating</c>) cost 0.14 ms of a 1.75 ms segmentation call (131,072 labels).
/// </summary>
/// <remarks>A false answer only makes the engine decline, and the core's composed path then names the first bad label,
/// so a check may be stricter than the definition where that is cheaper (float labels of 2^23 classes and more).</remarks>
internal static class ClassIndexLabels
{
    /// <summary>Whether every float label is an integer in [0, <paramref name="classes"/>) (NaN fails the comparisons).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllIn<T>(ReadOnlySpan<T> labels, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T upper = T.CreateTruncating(classes);
        int i = 0;
        if (Vector.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && labels.Length >= Vector<T>.Count)
        {
            // For 0 ≤ x < 2^p (p = 23 or 52) x + 2^p rounds to an integer with nothing lost above it, so
            // (x + 2^p) − 2^p == x exactly when x is an integer.
            var magic = new Vector<T>(T.CreateTruncating(typeof(T) == typeof(float) ? 8388608.0 : 4503599627370496.0));
            var limit = new Vector<T>(upper);
            Vector<T> ok = Vector<T>.AllBitsSet;
            ref T first = ref MemoryMarshal.GetReference(labels);
            for (; i <= labels.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> x = Vector.LoadUnsafe(ref first, (nuint)i);
                ok &= Vector.GreaterThanOrEqual(x, Vector<T>.Zero) & Vector.LessThan(x, limit) & Vector.LessThan(x, magic)
                    & Vector.Equals(x + magic - magic, x);
            }
            if (!Vector.EqualsAll(Vector.AsVectorByte(ok), Vector<byte>.AllBitsSet)) return false;
        }
        for (; i < labels.Length; i++)
            if (!(labels[i] >= T.Zero && labels[i] < upper && T.IsInteger(labels[i]))) return false;
        return true;
    }

    /// <summary>Whether every int64 or int32 label is in [0, <paramref name="classes"/>): compared as unsigned, so a
    /// negative label lies above every class count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IntegersIn<TLabel>(ReadOnlySpan<TLabel> labels, int classes) where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        if (typeof(TLabel) == typeof(long)) return AllBelow(MemoryMarshal.Cast<TLabel, ulong>(labels), (ulong)classes);
        if (typeof(TLabel) == typeof(int)) return AllBelow(MemoryMarshal.Cast<TLabel, uint>(labels), (uint)classes);
        foreach (TLabel given in labels)
        {
            long label = long.CreateSaturating(given);
            if (label < 0 || label >= classes) return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllBelow<TUnsigned>(ReadOnlySpan<TUnsigned> values, TUnsigned limit) where TUnsigned : unmanaged, IUnsignedNumber<TUnsigned>, IComparisonOperators<TUnsigned, TUnsigned, bool>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var bound = new Vector<TUnsigned>(limit);
            Vector<TUnsigned> ok = Vector<TUnsigned>.AllBitsSet;
            ref TUnsigned from = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector<TUnsigned>.Count; i += Vector<TUnsigned>.Count)
                ok &= Vector.LessThan(Vector.LoadUnsafe(ref from, (nuint)i), bound);
            if (!Vector.EqualsAll(ok, Vector<TUnsigned>.AllBitsSet)) return false;
        }
        for (; i < values.Length; i++)
            if (!(values[i] < limit)) return false;
        return true;
    }

    /// <summary>Writes int64 or int32 <paramref name="labels"/> as <typeparamref name="T"/> into
    /// <paramref name="converted"/>, or returns false at a label outside [0, <paramref name="classes"/>) (the buffer is
    /// then partly written). Class counts are far below 2^24, so every accepted label converts exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryConvert<TLabel, T>(ReadOnlySpan<TLabel> labels, Span<T> converted, int classes)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && typeof(TLabel) == typeof(long) && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            // Compared as unsigned: a negative label is then above every class count.
            ReadOnlySpan<long> wide = MemoryMarshal.Cast<TLabel, long>(labels);
            var limit = new Vector<ulong>((ulong)classes);
            Vector<ulong> ok = Vector<ulong>.AllBitsSet;
            ref long from = ref MemoryMarshal.GetReference(wide);
            int step = 2 * Vector<long>.Count;   // two long vectors make one float vector
            for (; i <= wide.Length - step; i += step)
            {
                Vector<long> a = Vector.LoadUnsafe(ref from, (nuint)i), b = Vector.LoadUnsafe(ref from, (nuint)(i + Vector<long>.Count));
                ok &= Vector.LessThan(Vector.AsVectorUInt64(a), limit) & Vector.LessThan(Vector.AsVectorUInt64(b), limit);
                Vector<double> da = Vector.ConvertToDouble(a), db = Vector.ConvertToDouble(b);
                if (typeof(T) == typeof(float))
                    Vector.Narrow(da, db).StoreUnsafe(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(converted)), (nuint)i);
                else
                {
                    ref double to = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(converted));
                    da.StoreUnsafe(ref to, (nuint)i);
                    db.StoreUnsafe(ref to, (nuint)(i + Vector<long>.Count));
                }
            }
            if (!Vector.EqualsAll(ok, Vector<ulong>.AllBitsSet)) return false;
        }
        else if (Vector.IsHardwareAccelerated && typeof(TLabel) == typeof(int) && typeof(T) == typeof(float))
        {
            ReadOnlySpan<int> narrow = MemoryMarshal.Cast<TLabel, int>(labels);
            var limit = new Vector<uint>((uint)classes);
            Vector<uint> ok = Vector<uint>.AllBitsSet;
            ref int from = ref MemoryMarshal.GetReference(narrow);
            ref float to = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(converted));
            for (; i <= narrow.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                Vector<int> a = Vector.LoadUnsafe(ref from, (nuint)i);
                ok &= Vector.LessThan(Vector.AsVectorUInt32(a), limit);
                Vector.ConvertToSingle(a).StoreUnsafe(ref to, (nuint)i);
            }
            if (!Vector.EqualsAll(ok, Vector<uint>.AllBitsSet)) return false;
        }
        for (; i < labels.Length; i++)
        {
            long label = long.CreateSaturating(labels[i]);
            if (label < 0 || label >= classes) return false;
            converted[i] = T.CreateTruncating(label);
        }
        return true;
    }
}
