namespace CrossBackend.Keras;

/// <summary>
/// Shape checks at predict time for layers whose static shapes hold unknown (None) axes, where the architecture could
/// not check them: <c>Add</c> and <c>Concatenate</c> inputs, a <c>Reshape</c> target, a <c>Cropping1D</c> /
/// <c>Cropping2D</c> that would leave no cell. Every engine checks before running the layer, with one message naming
/// it: libtorch's own errors name no layer.
/// </summary>
internal static class KerasRuntimeShapes
{
    /// <summary>Throws when the inputs of a merge layer (<c>Add</c>, <c>Multiply</c>, …) do not broadcast, or those of a
    /// <c>Concatenate</c> differ off its axis; does nothing for other layers.</summary>
    /// <param name="layer">The merge layer about to run.</param>
    /// <param name="shapes">Each input's shape in Keras's layout (channels last), batch first.</param>
    /// <exception cref="ArgumentException">The shapes do not merge (parameter <c>input</c>); the message names the
    /// layer and every shape.</exception>
    public static void EnsureMergeable(KerasLayer layer, IReadOnlyList<long[]> shapes)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(shapes);
        if (shapes.Count == 0) return;
        string? problem = layer.Spec switch
        {
            MergeSpec => Broadcasts(shapes) ? null
                : "its inputs must share one shape once lower ranks gain length-1 axes after the batch axis, or stretch axes of length 1",
            ConcatenateSpec c => ConcatenateProblem(c.Axis, shapes),
            TFOpSpec { Binary: true, TwoTensors: true } => Broadcasts(shapes) ? null : "its two tensors must have per axis equal lengths or a 1",
            _ => null,
        };
        if (problem is not null)
            throw new ArgumentException(
                $"layer `{layer.Name}` ({layer.ClassName}): {problem}; it receives {string.Join(", ", shapes.Select(TensorInfo.FormatShape))} " +
                "(channels last). Feed an input whose unknown axes give its branches matching lengths.", "input");
    }

    /// <summary>Throws when an <c>Activation("glu")</c> layer's last axis, unknown to the architecture (a None axis),
    /// has an odd length: glu splits it in two halves (TensorFlow's <c>split</c> raises too; libtorch's <c>glu</c> error
    /// names no layer).</summary>
    /// <param name="layer">The layer's name.</param>
    /// <param name="features">The length of the input's last (feature) axis.</param>
    /// <exception cref="ArgumentException">The length is odd (parameter <c>input</c>), naming the layer.</exception>
    public static void EnsureGluHalves(string layer, long features)
    {
        if (features % 2 != 0)
            throw new ArgumentException($"layer `{layer}`: glu splits the last axis in two halves, and it has {features} features", "input");
    }

    /// <summary>Throws when a <c>Cropping1D</c> / <c>Cropping2D</c> would leave no cell on an axis whose length the
    /// architecture did not know (a None axis); Keras raises the same at call time.</summary>
    /// <param name="layer">The cropping layer about to run.</param>
    /// <param name="spatial">The input's spatial lengths in Keras's order: (steps), or (height, width).</param>
    /// <exception cref="ArgumentException">An axis is not longer than its two crops (parameter <c>input</c>), naming the layer.</exception>
    public static void EnsureCroppable(KerasLayer layer, ReadOnlySpan<long> spatial)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Spec is CroppingSpec c && CroppingProblem(c, spatial) is { } problem)
            throw new ArgumentException($"layer `{layer.Name}` ({layer.ClassName}): {problem}; it receives {string.Join(" x ", spatial.ToArray())} ({KerasSpatial.Axes(c.Rank)}). " +
                                        "Feed a longer input.", "input");
    }

    /// <summary>Why the crops do not fit these lengths (−1: unknown, not judged), or null.</summary>
    internal static string? CroppingProblem(CroppingSpec c, ReadOnlySpan<long> spatial)
    {
        for (int d = 0; d < c.Rank; d++)
            if (spatial[d] >= 0 && c.Before[d] + (long)c.After[d] >= spatial[d])
                return $"cropping ({c.Before[d]}, {c.After[d]}) on spatial axis {d + 1} leaves no cell of {spatial[d]}; Keras requires the two crops to sum to less than the length";
        return null;
    }

    /// <summary>Throws unless a recurrent layer receives at least one timestep: Keras's step loop has no last output for
    /// an empty sequence (TensorFlow's <c>rnn</c> fails there), so no number is defined.</summary>
    /// <param name="layer">The LSTM or GRU layer about to run.</param>
    /// <param name="timesteps">The input's length along its time axis.</param>
    /// <exception cref="ArgumentException">No timestep (parameter <c>input</c>), naming the layer.</exception>
    public static void EnsureTimesteps(KerasLayer layer, long timesteps)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (timesteps < 1)
            throw new ArgumentException(
                $"layer `{layer.Name}` ({layer.ClassName}) receives a sequence of {timesteps} timesteps; it needs at least one (Keras's step loop has no output for an empty sequence)", "input");
    }

    /// <summary>A <c>Reshape</c> target for <paramref name="perItem"/> values per batch item, with its −1 resolved.</summary>
    /// <param name="layer">The layer's name, for the message.</param>
    /// <param name="target">The target shape (batch excluded; −1 at most once).</param>
    /// <param name="perItem">The values per batch item of the input.</param>
    /// <exception cref="ArgumentException">The values do not fill the target (parameter <c>input</c>), naming the layer.</exception>
    public static long[] ReshapeTarget(string layer, long[] target, long perItem)
    {
        ArgumentNullException.ThrowIfNull(target);
        long[] shape = (long[])target.Clone();
        int unknown = Array.FindIndex(shape, s => s < 0);
        long known = shape.Where(s => s >= 0).Aggregate(1L, (a, b) => a * b);
        if (unknown >= 0 && known > 0) shape[unknown] = perItem / known;
        if (shape.Aggregate(1L, (a, b) => a * b) != perItem)
            throw new ArgumentException($"layer `{layer}`: cannot reshape {perItem} values per item to {TensorInfo.FormatShape(target)}", "input");
        return shape;
    }

    /// <summary>Whether the shapes (batch first), lower ranks expanded after the batch axis as Keras's <c>Merge.call</c>
    /// does, have per axis equal lengths or 1s.</summary>
    private static bool Broadcasts(IReadOnlyList<long[]> given)
    {
        int rank = given.Max(s => s.Length);
        if (given.Any(s => s.Length == 0)) return given.All(s => s.Length == 0);
        long[][] shapes = given.Select(s => (long[])[s[0], .. KerasAxes.ExpandedForMerge(s[1..], rank - 1)]).ToArray();
        for (int d = 0; d < rank; d++)
        {
            long length = shapes.Max(s => s[d]);
            if (shapes.Any(s => s[d] != length && s[d] != 1)) return false;
        }
        return true;
    }

    private static string? ConcatenateProblem(int axis, IReadOnlyList<long[]> shapes)
    {
        int rank = shapes[0].Length;
        if (shapes.Any(s => s.Length != rank)) return "its inputs must have one rank";
        int along = axis < 0 ? axis + rank : axis;
        for (int d = 0; d < rank; d++)
            if (d != along && shapes.Any(s => s[d] != shapes[0][d])) return $"its inputs must agree on every axis but the concatenation axis ({axis})";
        return null;
    }
}
