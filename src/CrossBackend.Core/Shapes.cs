namespace CrossBackend;

/// <summary>Shape arithmetic shared by the core and the engines.</summary>
internal static class Shapes
{
    /// <summary>The shape with <paramref name="axis"/> removed.</summary>
    public static long[] Without(ReadOnlySpan<long> shape, int axis)
    {
        var result = new long[shape.Length - 1];
        for (int d = 0, k = 0; d < shape.Length; d++)
            if (d != axis) result[k++] = shape[d];
        return result;
    }

    /// <summary>The shape with a length-1 axis inserted at <paramref name="axis"/> (0 ≤ axis ≤ rank).</summary>
    public static long[] With(ReadOnlySpan<long> shape, int axis, long length = 1) =>
        [.. shape[..axis], length, .. shape[axis..]];

    /// <summary>The number of elements.</summary>
    public static long Count(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape) n *= d;
        return n;
    }

    /// <summary>The permutation that moves axis <paramref name="source"/> to <paramref name="destination"/> (each in
    /// [−rank, rank), else refused naming it).</summary>
    public static int[] MoveAxisOrder(int rank, int source, int destination)
    {
        if (source < -rank || source >= rank)
            throw new ArgumentOutOfRangeException(nameof(source), source, $"Argument `source` must be an axis of a rank-{rank} tensor, in [{-rank}, {rank - 1}]. Received: source={source}");
        if (destination < -rank || destination >= rank)
            throw new ArgumentOutOfRangeException(nameof(destination), destination, $"Argument `destination` must be an axis of a rank-{rank} tensor, in [{-rank}, {rank - 1}]. Received: destination={destination}");
        source = source < 0 ? source + rank : source;
        destination = destination < 0 ? destination + rank : destination;
        var order = Enumerable.Range(0, rank).Where(d => d != source).ToList();
        order.Insert(destination, source);
        return [.. order];
    }

    /// <summary>The inverse of a permutation.</summary>
    public static int[] Inverse(int[] order)
    {
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return inverse;
    }

    /// <summary>NumPy's broadcast shape of two shapes, or null when they do not broadcast.</summary>
    public static long[]? Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            long db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1) return null;
            result[i] = da == 1 ? db : da;
        }
        return result;
    }
}
