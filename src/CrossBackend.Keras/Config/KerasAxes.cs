namespace CrossBackend.Keras;

/// <summary>Keras's axis numbers — the batch axis is 0, a negative axis counts from the end — read against the
/// shapes this library keeps, which leave the batch axis out.</summary>
internal static class KerasAxes
{
    /// <summary>The index among the non-batch axes (0: the first after the batch) that Keras axis
    /// <paramref name="kerasAxis"/> names on a tensor with <paramref name="rank"/> non-batch axes; null for the batch
    /// axis or an axis out of range.</summary>
    public static int? NonBatch(int kerasAxis, int rank)
    {
        int axis = kerasAxis < 0 ? kerasAxis + rank : kerasAxis - 1;
        return axis >= 0 && axis < rank ? axis : null;
    }

    /// <summary><see cref="NonBatch(int, int)"/> for a layer that needs the axis.</summary>
    /// <exception cref="NotSupportedException">The batch axis or an axis out of range, naming <paramref name="layer"/>.</exception>
    public static int NonBatch(int kerasAxis, int rank, string layer) =>
        NonBatch(kerasAxis, rank) ?? throw new NotSupportedException($"layer `{layer}`: axis {kerasAxis} is out of range or the batch axis");

    /// <summary>A merge input's shape (batch excluded) as Keras 3's <c>Merge.call</c> reshapes it when ranks differ:
    /// <c>ops.expand_dims(x, axis=1)</c> until it has <paramref name="rank"/> non-batch axes, so the new axes of length 1
    /// come right after the batch axis and the input's own axes line up with the others' last axes.</summary>
    public static long[] ExpandedForMerge(long[] shape, int rank) =>
        shape.Length >= rank ? shape : [.. Enumerable.Repeat(1L, rank - shape.Length), .. shape];
}
