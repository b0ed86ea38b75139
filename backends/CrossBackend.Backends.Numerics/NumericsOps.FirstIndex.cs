using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The arg-max's second pass without branches on the data: where the row's extreme is first found. The loop it
/// replaces (<see cref="FirstEqual"/>) left at the first vector holding the extreme, a branch whose outcome is
/// random on real data (the arg-max of a row of 100 is anywhere in it): about one misprediction per row, which was
/// most of the gap between the arg-max and the max of (65536, 100) (measured single-threaded, in cache: 11.5 ns per
/// row against 6.2 ns for the max).
/// </summary>
/// <remarks>
/// Rows of up to 128 values compare every 512-bit vector with the extreme and gather the hits into a 128-bit map
/// (two words), whose lowest set bit is the first index: a fixed sequence of instructions per row. The last vector
/// overlaps the ones before it; its hits at positions already mapped are the same elements, so OR-ing them in
/// again changes nothing. Longer rows, and machines without 512-bit vectors, keep <see cref="FirstEqual"/>.
/// </remarks>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>The longest row <see cref="FirstIndexOf"/> maps in one go.</summary>
    private const int MappedRow = 128;

    /// <summary>Whether <see cref="FirstIndexOf"/> serves rows of <paramref name="n"/> values here.</summary>
    private static bool MapsRows(int n) => Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count && n <= MappedRow;

    /// <summary>The arg-extremes of four rows of <paramref name="n"/> values (row k at p + k·n, its extreme in lane
    /// k of <paramref name="extremes"/>) into result[r..r+4). One call per four rows, compiled optimised at once: the
    /// JIT does not inline this into the four-row loop (its inlining budget is spent), and a callee left to tiered
    /// compilation ran as unoptimised tier-0 code for many calls (the arg-max's 7 ms in the function catalogue).</summary>
    [MethodImpl(Hot | MethodImplOptions.NoInlining)]   // its own inlining budget, for the four FirstIndexOf
    private static void FirstIndicesOfFour(T* p, int n, Vector256<T> extremes, T[] result, int r)
    {
        int i0 = FirstIndexOf(p, n, extremes.GetElement(0)), i1 = FirstIndexOf(p + n, n, extremes.GetElement(1));
        int i2 = FirstIndexOf(p + 2 * n, n, extremes.GetElement(2)), i3 = FirstIndexOf(p + 3 * n, n, extremes.GetElement(3));
        result[r] = T.CreateTruncating(i0);
        result[r + 1] = T.CreateTruncating(i1);
        result[r + 2] = T.CreateTruncating(i2);
        result[r + 3] = T.CreateTruncating(i3);
    }

    /// <summary>The first index of a row of <paramref name="n"/> values (W ≤ n ≤ 128, W the 512-bit lane count)
    /// equal to <paramref name="m"/>, which is one of them and not NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstIndexOf(T* p, int n, T m)
    {
        Vector512<T> target = Vector512.Create(m);
        int w = Vector512<T>.Count, i = 0;
        ulong low = 0, high = 0;
        for (; i + w <= n; i += w)
        {
            ulong hits = Vector512.Equals(Vector512.Load(p + i), target).ExtractMostSignificantBits();
            // Vectors start at multiples of W (8 or 16), so each lies in one word; the test depends on i alone.
            if (i < 64) low |= hits << i;
            else high |= hits << (i - 64);
        }
        if (i < n)
        {
            int j = n - w;   // the last vector, overlapping: it may straddle the two words
            ulong hits = Vector512.Equals(Vector512.Load(p + j), target).ExtractMostSignificantBits();
            if (j < 64)
            {
                low |= hits << j;
                if (j + w > 64) high |= hits >> (64 - j);
            }
            else high |= hits << (j - 64);
        }
        // tzcnt(0) is 64: a map whose low word is empty adds the high word's first bit, without a branch.
        int first = BitOperations.TrailingZeroCount(low);
        return first + (BitOperations.TrailingZeroCount(high) & -(first >> 6));
    }
}
