namespace CrossBackend.Keras;

/// <summary>Output shapes in Keras's channels-last layout, batch axis excluded, −1 for unknown lengths. Engines
/// read these to size their modules (a Conv2d's input channels, a Linear's input features).</summary>
internal static class ShapeInference
{
    public static long[] Infer(LayerSpec spec, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        if (spec is MultiHeadAttentionSpec or AttentionSpec) return Attention(spec, inputs, layer, className);
        if (spec is TFOpSpec op) return KerasTFOpShapes.Infer(op, inputs, layer, className);
        // Keras 3's Merge.build takes a list of at least one input (one input passes through); Subtract takes exactly two.
        int expected = spec switch { InputSpec => 0, MergeSpec { Op: KerasMergeOp.Subtract } or DotSpec => 2, MergeSpec or ConcatenateSpec => -1, _ => 1 };
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
            PermuteSpec p => Permute(p, x, layer, className),
            RepeatVectorSpec r => x.Length == 1 ? [r.N, x[0]] : throw Shape(layer, className, x, "(features): RepeatVector repeats a vector"),
            PoolingSpec p => Pool(p, x, layer, className),
            GlobalPoolingSpec g => x.Length == g.Rank + 1 ? g.KeepDims ? [.. Enumerable.Repeat(1L, g.Rank), x[^1]] : [x[^1]] : throw Shape(layer, className, x, Spatial(g.Rank)),
            BatchNormSpec b => BatchNorm(b, x, layer, className),
            DropoutSpec or MaskingSpec => x,
            ActivationSpec a => Activation(a.Activation, x, layer, className),
            PReLUSpec p => PReLU(p, x, layer, className),
            ZeroPaddingSpec z => x.Length == z.Rank + 1 ? [.. x[..^1].Select((n, d) => Add(n, z.Before[d] + z.After[d])), x[^1]] : throw Shape(layer, className, x, Spatial(z.Rank)),
            CroppingSpec c => Crop(c, x, layer, className),
            UpSamplingSpec u => x.Length == u.Rank + 1 ? [.. x[..^1].Select((n, d) => n < 0 ? -1 : n * u.Size[d]), x[^1]] : throw Shape(layer, className, x, Spatial(u.Rank)),
            MergeSpec => Broadcast(inputs, layer, className),
            ConcatenateSpec c => Concatenate(c, inputs, layer, className),
            EmbeddingSpec e => [.. x, e.OutputDim],
            LayerNormSpec n => LayerNorm(n, x, layer, className),
            GroupNormSpec g => KerasNormShapes.GroupNorm(g, x, layer, className),
            UnitNormSpec u => KerasNormShapes.UnitNorm(u, x, layer, className),
            DotSpec d => KerasNormShapes.Dot(d, inputs, layer, className),
            DepthwiseConv2DSpec d => Depthwise(d, x, layer, className),
            Conv2DTransposeSpec t => ConvTranspose(t, x, layer, className),
            RecurrentSpec r => x.Length == 2 && x[1] > 0 ? r.ReturnSequences ? [x[0], r.Units] : [r.Units]
                : throw Shape(layer, className, x, "(timesteps, features) with a known number of features (timesteps may be None)"),
            BidirectionalSpec b => Bidirectional(b, inputs, layer, className),
            RescalingSpec or NormalizationSpec or CenterCropSpec or IdentitySpec or ResizingSpec => KerasPreprocessing.Shape(spec, x, layer, className),
            TimeDistributedSpec t => x.Length >= 2
                ? [x[0], .. Infer(t.Inner, [x[1..]], $"{layer}/{t.InnerName}", t.InnerClassName)]
                : throw Shape(layer, className, x, "(time, ...) with at least one axis after time: TimeDistributed applies its layer to each step"),
            _ => throw new NotSupportedException($"layer `{layer}`: no shape rule for {TensorFormat.TypeName(spec.GetType())}"),
        };
    }

    /// <summary>Bidirectional: each half's shape as the recurrent layer's; concat joins their last axes, the other
    /// merges need one shape (Keras adds or multiplies the tensors and would fail otherwise).</summary>
    private static long[] Bidirectional(BidirectionalSpec b, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        long[] forward = Infer(b.Forward, inputs, $"{layer}/{b.ForwardName}", BidirectionalSpec.ClassOf(b.Forward));
        long[] backward = Infer(b.Backward, inputs, $"{layer}/{b.BackwardName}", BidirectionalSpec.ClassOf(b.Backward));
        if (b.Merge == KerasBidirectionalMerge.Concat) return [.. forward[..^1], forward[^1] + backward[^1]];
        return forward.SequenceEqual(backward) ? forward
            : throw new InvalidDataException(
                $"layer `{layer}` ({className}): merge_mode \"{b.Merge.ToString().ToLowerInvariant()}\" needs the forward and backward outputs to have one shape; " +
                $"they have {KerasLayer.FormatBatchShape(forward)} and {KerasLayer.FormatBatchShape(backward)} (give both layers the same units)");
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

    /// <summary>LayerNormalization's axes as indices among the non-batch axes, increasing. Keras builds γ and β of
    /// shape <c>[input_shape[d] for d in axis]</c> and reshapes them (a reshape, not a transpose) to the input's axis
    /// order, so only axes listed in increasing order mean what they say; the batch axis would mix the items of a batch;
    /// every normalised axis must be known (one γ and β per cell).</summary>
    public static int[] LayerNormAxes(LayerNormSpec n, long[] x, string layer, string className)
    {
        int?[] axes = n.Axes.Select(a => KerasAxes.NonBatch(a, x.Length)).ToArray();
        string given = n.Axes.Length == 1 ? n.Axes[0].ToString() : $"[{string.Join(", ", n.Axes)}]";
        if (axes.Any(a => a is null))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}): axis {given} of an input of (batch, {string.Join(", ", x.Select(Length))}) includes the batch axis or an axis out of range; " +
                $"only non-batch axes (1 to {x.Length}, or -1 to -{x.Length}) are supported");
        int[] result = axes.Select(a => a!.Value).ToArray();
        for (int i = 1; i < result.Length; i++)
            if (result[i] <= result[i - 1])
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}): axis {given} {(result[i] == result[i - 1] ? "names one axis twice" : "is not in increasing order")}; Keras reshapes gamma and beta " +
                    "(shaped in the listed order) to the input's axis order, so only distinct axes in increasing order are supported: save the layer with them sorted");
        if (result.Any(a => x[a] <= 0)) throw Shape(layer, className, x, $"known lengths on axis {given} (one gamma and beta per cell)");
        return result;
    }

    /// <summary>LayerNormalization keeps its input's shape once its axes check out.</summary>
    private static long[] LayerNorm(LayerNormSpec n, long[] x, string layer, string className)
    {
        LayerNormAxes(n, x, layer, className);
        return x;
    }

    /// <summary>DepthwiseConv2D / SeparableConv2D: a window over (height, width) as Conv2D's, with in·multiplier (or
    /// the pointwise filters) channels out.</summary>
    private static long[] Depthwise(DepthwiseConv2DSpec d, long[] x, string layer, string className)
    {
        if (x.Length != d.Rank + 1) throw Shape(layer, className, x, d.Rank == 1 ? "(steps, channels)" : "(height, width, channels)");
        if (x[^1] <= 0) throw Shape(layer, className, x, "a known number of channels");
        if (KerasWindow.Problem(d, layer, className, x.AsSpan(0, d.Rank)) is { } problem) throw new InvalidDataException(problem);
        return [.. Enumerable.Range(0, d.Rank).Select(k => OutputLength(x[k], d.KernelSize[k], d.Strides[k], d.Dilation[k], d.Padding)),
                d.PointwiseFilters ?? x[^1] * d.DepthMultiplier];
    }

    /// <summary>Conv1DTranspose / Conv2DTranspose / Conv3DTranspose: Keras's <c>deconv_output_length</c> per axis with
    /// output_padding None.</summary>
    private static long[] ConvTranspose(Conv2DTransposeSpec t, long[] x, string layer, string className)
    {
        if (x.Length != t.Rank + 1) throw Shape(layer, className, x, Spatial(t.Rank));
        if (x[^1] <= 0) throw Shape(layer, className, x, "a known number of channels");
        return [.. Enumerable.Range(0, t.Rank).Select(k => TransposeOutputLength(x[k], t.KernelSize[k], t.Strides[k], t.Padding)), t.Filters];
    }

    /// <summary>Keras's <c>deconv_output_length</c> (keras/src/utils/conv_utils.py / backend_utils.py) with output_padding
    /// None and dilation 1: valid n·s + max(k − s, 0), same n·s; −1 when n is unknown.</summary>
    public static long TransposeOutputLength(long n, int kernel, int stride, KerasPadding padding) =>
        n < 0 ? -1 : padding == KerasPadding.Valid ? n * stride + Math.Max(kernel - stride, 0) : n * stride;

    /// <summary>Activations keep their input's shape; a softmax's axes must each be a distinct non-batch axis (over the
    /// batch axis Keras would mix the items of a batch, which no per-item prediction can reproduce).</summary>
    private static long[] Activation(KerasActivation a, long[] x, string layer, string className)
    {
        if (a.Kind == KerasActivationKind.Glu)
        {
            // keras/src/backend/tensorflow/nn.py glu: the last axis must split into two halves.
            if (x.Length == 0 || (x[^1] >= 0 && x[^1] % 2 != 0))
                throw new InvalidDataException($"layer `{layer}` ({className}): glu splits the last axis in two halves, and the input (batch, {string.Join(", ", x.Select(Length))}) has an odd or no last axis");
            return [.. x[..^1], x[^1] < 0 ? -1 : x[^1] / 2];
        }
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
        if (x.Length != c.Rank + 1) throw Shape(layer, className, x, Spatial(c.Rank));
        if (x[^1] <= 0) throw Shape(layer, className, x, "a known number of channels");
        if (c.Groups < 1 || x[^1] % c.Groups != 0 || c.Filters % c.Groups != 0)
            throw new InvalidDataException($"layer `{layer}`: groups={c.Groups} must divide the input channels ({x[^1]}) and filters ({c.Filters})");
        if (KerasWindow.Problem(c, layer, className, x.AsSpan(0, c.Rank)) is { } problem) throw new InvalidDataException(problem);
        var output = new long[x.Length];
        for (int d = 0; d < c.Rank; d++) output[d] = OutputLength(x[d], c.KernelSize[d], c.Strides[d], c.Dilation[d], c.Padding);
        output[^1] = c.Filters;
        return output;
    }

    /// <summary>The layout a layer over <paramref name="rank"/> spatial axes needs, for messages.</summary>
    private static string Spatial(int rank) => KerasSpatial.Layout(rank);

    private static long[] Pool(PoolingSpec p, long[] x, string layer, string className)
    {
        if (x.Length != p.Rank + 1) throw Shape(layer, className, x, Spatial(p.Rank));
        if (KerasWindow.Problem(p, layer, className, x.AsSpan(0, p.Rank)) is { } problem) throw new InvalidDataException(problem);
        return [.. x[..^1].Select((n, d) => OutputLength(n, p.PoolSize[d], p.Strides[d], 1, p.Padding)), x[^1]];
    }

    /// <summary>Cropping keeps at least one cell per axis, as Keras requires (<c>compute_output_shape</c> raises when
    /// a crop's two sides reach the length); an unknown length is checked at predict time (<see cref="KerasRuntimeShapes.EnsureCroppable"/>).</summary>
    private static long[] Crop(CroppingSpec c, long[] x, string layer, string className)
    {
        if (x.Length != c.Rank + 1) throw Shape(layer, className, x, Spatial(c.Rank));
        if (KerasRuntimeShapes.CroppingProblem(c, x.AsSpan(0, c.Rank)) is { } problem)
            throw new InvalidDataException($"layer `{layer}` ({className}): {problem}; it receives (batch, {string.Join(", ", x.Select(Length))})");
        return [.. x[..^1].Select((n, d) => n < 0 ? -1 : n - c.Before[d] - c.After[d]), x[^1]];
    }

    /// <summary>Permute's dims must name every non-batch axis once (checked a permutation by the parser; here that it
    /// has the input's rank).</summary>
    private static long[] Permute(PermuteSpec p, long[] x, string layer, string className) =>
        p.Dims.Length == x.Length ? p.Dims.Select(d => x[d - 1]).ToArray()
            : throw Shape(layer, className, x, $"{p.Dims.Length} non-batch axes (dims ({string.Join(", ", p.Dims)}) permutes that many)");

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
            output = BroadcastSameRank(output, other)
                ?? throw new InvalidDataException($"layer `{layer}` ({className}): input shapes do not broadcast (lower ranks gain length-1 axes after the batch axis, " +
                                               "then per axis equal lengths or a 1): " +
                                               string.Join(" vs ", inputs.Select(TensorInfo.FormatShape)));
        }
        return output;
    }

    /// <summary>Two shapes of one rank broadcast per axis (NumPy's rule, which Keras's merges and TensorFlow's binary ops
    /// follow): equal lengths, or a 1 stretched to the other length; a None (−1) axis stays None unless the other shape
    /// knows it (the runtime check compares the real lengths). Null when they do not broadcast.</summary>
    internal static long[]? BroadcastSameRank(long[] a, long[] b)
    {
        var output = (long[])a.Clone();
        for (int d = 0; d < output.Length; d++)
        {
            long p = a[d], q = b[d];
            if (p == q || q == 1 || (q < 0 && p != 1)) continue;
            if (p == 1 || p < 0) output[d] = q;
            else return null;
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

    /// <summary>MultiHeadAttention: the query's shape with the output features (output_shape, else the query's);
    /// Attention / AdditiveAttention: (T_q, the value's features) (Keras's <c>compute_output_shape</c>). Inputs
    /// [query, value(, key)], each (steps, known features); the key's steps must be the value's, and the score
    /// functions other than MultiHeadAttention's need the query's features to be the key's (q·k, q + k).</summary>
    private static long[] Attention(LayerSpec spec, IReadOnlyList<long[]> inputs, string layer, string className)
    {
        if (inputs.Count is < 2 or > 3)
            throw new InvalidDataException($"layer `{layer}` ({className}) takes [query, value] or [query, value, key], the config connects {inputs.Count} input(s)");
        string[] roles = ["query", "value", "key"];
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i].Length != 2 || inputs[i][1] < 1)
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}): its {roles[i]} must be (batch, steps, features) with known features; it receives " +
                    $"(batch, {string.Join(", ", inputs[i].Select(v => v < 0 ? "None" : v.ToString()))})" +
                    (spec is MultiHeadAttentionSpec ? " (attention over several axes, attention_axes, is not supported)" : ""));
        long[] query = inputs[0], value = inputs[1], key = inputs.Count > 2 ? inputs[2] : value;
        if (key[0] >= 0 && value[0] >= 0 && key[0] != value[0])
            throw new InvalidDataException($"layer `{layer}` ({className}): the key has {key[0]} steps and the value {value[0]}; they must be equal");
        if (spec is MultiHeadAttentionSpec m) return [query[0], m.OutputDim ?? query[1]];
        if (query[1] != key[1])
            throw new InvalidDataException($"layer `{layer}` ({className}): the query has {query[1]} features and the key {key[1]}; its scores need them equal");
        return [query[0], value[1]];
    }

    internal static InvalidDataException Shape(string layer, string className, long[] x, string expected) =>
        new($"layer `{layer}` ({className}) needs an input of {expected}; it receives (batch, {string.Join(", ", x.Select(v => v < 0 ? "None" : v.ToString()))})");
}
