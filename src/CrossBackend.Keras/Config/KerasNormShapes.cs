namespace CrossBackend.Keras;

/// <summary>Shape rules and axis checks of GroupNormalization, UnitNormalization and Dot (shapes batch excluded,
/// −1 unknown), shared by the shape inference and the runtimes.</summary>
internal static class KerasNormShapes
{
    /// <summary>GroupNormalization's grouped axis (index among the non-batch axes) and its number of groups (−1
    /// resolved to the channel count), checked as Keras's <c>build</c> checks them: a known length C, at most C groups,
    /// and C divisible by the groups; the batch axis would mix the items of a batch and is refused.</summary>
    public static (int Axis, int Groups) GroupAxis(GroupNormSpec g, long[] x, string layer, string className)
    {
        int axis = KerasAxes.NonBatch(g.Axis, x.Length)
            ?? throw new NotSupportedException(
                $"layer `{layer}` ({className}): axis {g.Axis} of an input of {KerasLayer.FormatBatchShape(x)} is the batch axis or out of range; " +
                $"only non-batch axes (1 to {x.Length}, or -1 to -{x.Length}) are supported");
        long channels = x[axis];
        if (channels <= 0) throw ShapeInference.Shape(layer, className, x, $"a known length on axis {g.Axis} (one gamma and beta per channel)");
        int groups = g.Groups == -1 ? (int)channels : g.Groups;
        if (groups > channels || channels % groups != 0)
            throw new InvalidDataException(
                $"layer `{layer}` ({className}): groups={groups} must divide the {channels} channels of axis {g.Axis} (and be at most that many), as Keras's build requires");
        return (axis, groups);
    }

    /// <summary>GroupNormalization keeps its input's shape once its axis and groups check out.</summary>
    public static long[] GroupNorm(GroupNormSpec g, long[] x, string layer, string className)
    {
        GroupAxis(g, x, layer, className);
        return x;
    }

    /// <summary>UnitNormalization's summed axes as indices among the non-batch axes, increasing: each a distinct
    /// non-batch axis (over the batch axis Keras would mix the items of a batch).</summary>
    public static int[] UnitAxes(UnitNormSpec u, long[] x, string layer, string className)
    {
        int?[] axes = u.Axes.Select(a => KerasAxes.NonBatch(a, x.Length)).ToArray();
        string given = u.Axes.Length == 1 ? u.Axes[0].ToString() : $"[{string.Join(", ", u.Axes)}]";
        if (axes.Any(a => a is null))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}): axis {given} of an input of {KerasLayer.FormatBatchShape(x)} includes the batch axis or an axis out of range; " +
                $"only non-batch axes (1 to {x.Length}, or -1 to -{x.Length}) are supported");
        if (axes.Distinct().Count() != axes.Length)
            throw new InvalidDataException($"layer `{layer}` ({className}): axis {given} names one axis twice");
        return axes.Select(a => a!.Value).Order().ToArray();
    }

    /// <summary>UnitNormalization keeps its input's shape.</summary>
    public static long[] UnitNorm(UnitNormSpec u, long[] x, string layer, string className)
    {
        UnitAxes(u, x, layer, className);
        return x;
    }

    /// <summary>Dot's axis of each input as an index among its non-batch axes: Keras takes a negative axis modulo the
    /// input's rank (batch counted) and refuses axis 0 (<c>batch_dot</c>: "Cannot perform batch_dot over axis 0"); an
    /// axis outside −rank … rank − 1 is refused here rather than wrapped.</summary>
    public static (int X, int Y) DotAxes(DotSpec d, long[] x, long[] y, string layer, string className)
    {
        int Resolve(int axis, long[] shape, string which)
        {
            int rank = shape.Length + 1;
            int resolved = axis < 0 ? axis + rank : axis;
            if (shape.Length == 0 || resolved <= 0 || resolved >= rank)
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}): axes [{string.Join(", ", d.Axes)}] name axis {axis} of its {which} input {KerasLayer.FormatBatchShape(shape)}, " +
                    $"which is the batch axis or out of range; Keras's batch_dot takes a non-batch axis (1 to {rank - 1}, or -1 to -{rank - 1}) of inputs of rank 2 or more");
            return resolved - 1;
        }
        return (Resolve(d.Axes[0], x, "first"), Resolve(d.Axes[1], y, "second"));
    }

    /// <summary>Dot's output: the first input's other non-batch axes, then the second's ((batch, 1) when none is left),
    /// Keras's <c>compute_output_shape</c>; the two dot axes must have one length (Keras's <c>build</c> raises otherwise,
    /// also when only one of them is None).</summary>
    public static long[] Dot(DotSpec d, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        long[] x = inputs[0], y = inputs[1];
        (int ax, int ay) = DotAxes(d, x, y, layer, className);
        if (x[ax] != y[ay])
            throw new InvalidDataException(
                $"layer `{layer}` ({className}): the dot axes have lengths {Length(x[ax])} and {Length(y[ay])} (inputs {KerasLayer.FormatBatchShape(x)} and " +
                $"{KerasLayer.FormatBatchShape(y)}); Keras requires them equal");
        long[] output = [.. x.Where((_, i) => i != ax), .. y.Where((_, i) => i != ay)];
        return output.Length == 0 ? [1] : output;
    }

    private static string Length(long n) => n < 0 ? "None" : n.ToString();
}
