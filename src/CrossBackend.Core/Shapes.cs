namespace CrossBackend;

/// <summary>Shape arithmetic shared by the losses and the engines.</summary>
public static class Shapes
{
    /// <summary>The shape with <paramref name="axis"/> removed.</summary>
    public static long[] Without(ReadOnlySpan<long> shape, int axis)
    {
        var result = new long[shape.Length - 1];
        for (int d = 0, k = 0; d < shape.Length; d++)
            if (d != axis) result[k++] = shape[d];
        return result;
    }

    /// <summary>The number of elements.</summary>
    public static long Count(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape) n *= d;
        return n;
    }
}
