namespace CrossBackend.Keras;

/// <summary>Output shapes in Keras's channels-last layout, batch axis excluded, −1 for unknown lengths. Engines
/// read these to size their modules (a Conv2d's input channels, a Linear's input features).</summary>
internal static class ShapeInference
{
    public static long[] Infer(LayerSpec spec, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        // Keras 3's Merge.build takes a list of at least one input (one input passes through); Subtract takes exactly two.
        int expected = spec switch { InputSpec => 0, MergeSpec { Op: KerasMergeOp.Subtract } => 2, MergeSpec or ConcatenateSpec => -1, _ => 1 };
        if (expected >= 0 && inputs.Count != expected)
            throw new InvalidDataException($"layer `{layer}` ({className}) takes {expected} input(s), the config connects {inputs.Count}");
        if (expected < 0 && inputs.Count < 1)
            throw new InvalidDataException($"layer `{layer}` ({className}) needs at least 1 input, the config connects none");
        long[] x = expected == 0 ? [] : inputs[0];
        return spec switch
        {
            InputSpec i => i.Shape,
            ConvSpec c => Conv(c, x, layer, className),
            DenseSpec d => x.Length >= 1 && x[^1] > 0 ? [.. x[..^1], d.Units]
                : throw Shape(layer, className, x, "a known last axis (the features)"),
            FlattenSpec => x.Length == 0 ? throw Shape(layer, className, x, "at least one axis") : [x.Any(v => v < 0) ? -1 : x.Aggregate(1L, (a, b) => a * b)],
            ReshapeSpec r => Reshape(r, x, layer, className),
            Pooling2DSpec p => Pool(p, x, layer, className),
            GlobalPooling2DSpec g => x.Length == 3 ? g.KeepDims ? [1, 1, x[2]] : [x[2]] : throw Shape(layer, className, x, "(height, width, channels)"),
            BatchNormSpec b => BatchNorm(b, x, layer, className),
            DropoutSpec => x,
            ActivationSpec a => Activation(a.Activation, x, layer, className),
            PReLUSpec p => PReLU(p, x, layer, className),
            ZeroPadding2DSpec z => x.Length == 3 ? [Add(x[0], z.Top + z.Bottom), Add(x[1], z.Left + z.Right), x[2]] : throw Shape(layer, className, x, "(height, width, channels)"),
            MergeSpec => Broadcast(inputs, layer, className),
            ConcatenateSpec c => Concatenate(c, inputs, layer, className),
            EmbeddingSpec e => [.. x, e.OutputDim],
            RecurrentSpec r => x.Length == 2 && x[1] > 0 ? r.ReturnSequences ? [x[0], r.Units] : [r.Units]
                : throw Shape(layer, className, x, "(timesteps, features) with a known number of features (timesteps may be None)"),
            _ => throw new NotSupportedException($"layer `{layer}`: no shape rule for {TensorFormat.TypeName(spec.GetType())}"),
        };
    }

    /// <summary>BatchNormalization keeps its input's shape; its weights have one value per index of its axis, so that
    /// axis must be a known non-batch axis (Keras builds <c>(input_shape[axis],)</c> weights and cannot otherwise).</summary>
    private static long[] BatchNorm(BatchNormSpec b, long[] x, string layer, string className)
    {
        int axis = KerasAxes.NonBatch(b.Axis, x.Length)
            ?? throw new InvalidDataException(
                $"layer `{layer}` ({className}): axis {b.Axis} is the batch axis or out of range for an input of (batch, {string.Join(", ", x.Select(Length))}); " +
                $"Keras normalises a non-batch axis, from 1 to {x.Length} (or -1 to -{x.Length})");
        return x[axis] > 0 ? x : throw Shape(layer, className, x, $"a known length on axis {b.Axis} (one gamma, beta, mean and variance per index)");
    }

    /// <summary>Activations keep their input's shape; a softmax's axes must each be a distinct non-batch axis (over the
    /// batch axis Keras would mix the items of a batch, which no per-item prediction can reproduce).</summary>
    private static long[] Activation(KerasActivation a, long[] x, string layer, string className)
    {
        if (a.Kind != KerasActivationKind.Softmax) return x;
        int?[] axes = a.SoftmaxAxes.Select(k => KerasAxes.NonBatch(k, x.Length)).ToArray();
        if (axes.Any(k => k is null))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}): softmax over axis {(a.Axes is null ? a.Axis.ToString() : $"({string.Join(", ", a.Axes)})")} of an input of (batch, {string.Join(", ", x.Select(Length))}) includes the batch axis or an axis out of range; " +
                $"only non-batch axes (1 to {x.Length}, or -1 to -{x.Length}) are supported");
        if (axes.Distinct().Count() != axes.Length)
            throw new InvalidDataException($"layer `{layer}` ({className}): softmax axes ({string.Join(", ", a.SoftmaxAxes)}) name one axis twice");
        return x;
    }

    private static string Length(long n) => n < 0 ? "None" : n.ToString();

    /// <summary>PReLU keeps its input's shape; its α needs every unshared axis known (Keras cannot build it otherwise).</summary>
    private static long[] PReLU(PReLUSpec p, long[] x, string layer, string className)
    {
        if (p.SharedAxes.Any(a => a > x.Length || a - 1 < -x.Length))
            throw new InvalidDataException(
                $"layer `{layer}` ({className}): shared_axes [{string.Join(", ", p.SharedAxes)}] fall outside the input's {x.Length} non-batch axes " +
                $"(Keras indexes them with axis - 1: from {1 - x.Length} to {x.Length})");
        if (ExpectedWeights.PReLUAlphaShape(p, x).Any(v => v < 0))
            throw Shape(layer, className, x, "every axis not in shared_axes known (alpha has one value per cell)");
        return x;
    }

    private static long Add(long n, int pad) => n < 0 ? -1 : n + pad;

    /// <summary>Output length for one spatial axis: valid floor((n − k_eff) / s) + 1, and 0 when n &lt; k_eff (C#'s
    /// division truncates toward zero, so (2 − 3) / 2 + 1 would be 1); same and causal ceil(n / s).</summary>
    public static long OutputLength(long n, int kernel, int stride, int dilation, KerasPadding padding)
    {
        if (n < 0) return -1;
        long effective = (long)(kernel - 1) * dilation + 1;
        if (padding != KerasPadding.Valid) return (n + stride - 1) / stride;
        return n < effective ? 0 : (n - effective) / stride + 1;
    }

    private static long[] Conv(ConvSpec c, long[] x, string layer, string className)
    {
        if (x.Length != c.Rank + 1) throw Shape(layer, className, x, c.Rank == 1 ? "(steps, channels)" : "(height, width, channels)");
        if (x[^1] <= 0) throw Shape(layer, className, x, "a known number of channels");
        if (c.Groups < 1 || x[^1] % c.Groups != 0 || c.Filters % c.Groups != 0)
            throw new InvalidDataException($"layer `{layer}`: groups={c.Groups} must divide the input channels ({x[^1]}) and filters ({c.Filters})");
        if (KerasWindow.Problem(c, layer, className, x.AsSpan(0, c.Rank)) is { } problem) throw new InvalidDataException(problem);
        var output = new long[x.Length];
        for (int d = 0; d < c.Rank; d++) output[d] = OutputLength(x[d], c.KernelSize[d], c.Strides[d], c.Dilation[d], c.Padding);
        output[^1] = c.Filters;
        return output;
    }

    private static long[] Pool(Pooling2DSpec p, long[] x, string layer, string className)
    {
        if (x.Length != 3) throw Shape(layer, className, x, "(height, width, channels)");
        if (KerasWindow.Problem(p, layer, className, x.AsSpan(0, 2)) is { } problem) throw new InvalidDataException(problem);
        return [OutputLength(x[0], p.PoolSize[0], p.Strides[0], 1, p.Padding), OutputLength(x[1], p.PoolSize[1], p.Strides[1], 1, p.Padding), x[2]];
    }

    private static long[] Reshape(ReshapeSpec r, long[] x, string layer, string className)
    {
        long[] target = (long[])r.TargetShape.Clone();
        int unknown = Array.FindIndex(target, v => v < 0);
        if (target.Count(v => v < 0) > 1) throw new InvalidDataException($"layer `{layer}`: target_shape may hold only one -1");
        if (x.Any(v => v < 0)) return target;
        long total = x.Aggregate(1L, (a, b) => a * b);
        long known = target.Where(v => v >= 0).Aggregate(1L, (a, b) => a * b);
        if (unknown >= 0)
        {
            if (known == 0 || total % known != 0) throw Shape(layer, className, x, $"a size divisible into {TensorInfo.FormatShape(r.TargetShape)}");
            target[unknown] = total / known;
        }
        else if (known != total) throw Shape(layer, className, x, $"{known} elements for target_shape {TensorInfo.FormatShape(r.TargetShape)}");
        return target;
    }

    /// <summary>A merge layer's output: Keras's element-wise broadcasting (<c>Merge._compute_elemwise_op_output_shape</c>,
    /// which lines shapes up by their last axes) after inputs of a lower rank gain length-1 axes right after the batch axis
    /// (<c>Merge.call</c>: <c>ops.expand_dims(x, axis=1)</c>, see <see cref="KerasAxes.ExpandedForMerge"/>) — then per
    /// axis equal lengths, or a 1 stretched to the other length; a None axis stays None unless another input knows it (the
    /// runtime check compares the real lengths).</summary>
    private static long[] Broadcast(IReadOnlyList<long[]> inputs, string layer, string className)
    {
        int rank = inputs.Max(s => s.Length);
        long[] output = (long[])KerasAxes.ExpandedForMerge(inputs[0], rank).Clone();
        foreach (long[] other in inputs.Skip(1).Select(s => KerasAxes.ExpandedForMerge(s, rank)))
        {
            bool ok = true;
            for (int d = 0; ok && d < output.Length; d++)
            {
                long a = output[d], b = other[d];
                if (a == b || b == 1 || (b < 0 && a != 1)) continue;
                if (a == 1 || a < 0) output[d] = b;
                else ok = false;
            }
            if (!ok)
                throw new InvalidDataException($"layer `{layer}` ({className}): input shapes do not broadcast (lower ranks gain length-1 axes after the batch axis, " +
                                               "then per axis equal lengths or a 1): " +
                                               string.Join(" vs ", inputs.Select(TensorInfo.FormatShape)));
        }
        return output;
    }

    private static long[] Concatenate(ConcatenateSpec c, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        int rank = inputs[0].Length;
        if (inputs.Any(s => s.Length != rank))
            throw new InvalidDataException(
                $"layer `{layer}` ({className}): inputs have different ranks: {string.Join(", ", inputs.Select(TensorInfo.FormatShape))}; Keras's Concatenate, " +
                "unlike Add and the other merge layers, does not expand ranks (ops.concatenate needs one rank): Reshape the inputs to one rank");
        int axis = KerasAxes.NonBatch(c.Axis, rank, layer);
        var output = (long[])inputs[0].Clone();
        for (int d = 0; d < rank; d++)
        {
            if (d == axis) { output[d] = inputs.Any(s => s[d] < 0) ? -1 : inputs.Sum(s => s[d]); continue; }
            if (inputs.Any(s => s[d] >= 0 && output[d] >= 0 && s[d] != output[d]))
                throw new InvalidDataException($"layer `{layer}` ({className}): inputs differ off the concatenation axis: {string.Join(", ", inputs.Select(TensorInfo.FormatShape))}");
        }
        return output;
    }

    private static InvalidDataException Shape(string layer, string className, long[] x, string expected) =>
        new($"layer `{layer}` ({className}) needs an input of {expected}; it receives (batch, {string.Join(", ", x.Select(v => v < 0 ? "None" : v.ToString()))})");
}
