using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

/// <summary>
/// A Keras model on the channels-last engine: inputs and outputs in Keras's own layout (NHWC), weights used as
/// Keras stored them (no conversion), numerics as TensorFlow computes them ("same" padding split with the extra
/// cell at the end, average pooling over real cells, BatchNormalization with the layer's ε).
/// </summary>
/// <typeparam name="T">float (Keras's float32) or double.</typeparam>
public sealed partial class KerasNumericsModel<T> : IKerasNetwork where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Step[] _steps;
    private readonly string[] _inputs;
    private readonly string[] _outputs;

    /// <summary>One layer: its name, its inputs' names, what it computes from its inputs and their masks (one per
    /// input, null where none arrives), and the mask its output carries.</summary>
    private sealed record Step(string Name, string[] Inbound, Func<object[], bool[]?[], object> Run, Func<object[], bool[]?[], bool[]?> Mask);

    /// <summary>Builds the model (weights are copied once into <typeparamref name="T"/> tensors).</summary>
    /// <param name="model">The model with its weights.</param>
    public KerasNumericsModel(KerasModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        KerasNetworkInputs.EnsureWeights(model.Graph);
        Graph = model.Graph;
        _inputs = [.. model.Graph.Inputs];
        _outputs = [.. model.Graph.Outputs];
        _steps = model.Graph.Layers.Select(l => new Step(l.Name, [.. l.Inbound], CompileWithMasks(l), MaskWithMasks(l))).ToArray();
    }

    /// <inheritdoc/>
    public ITensorEngine Engine => TensorEngines.Named("numerics");

    /// <inheritdoc/>
    public KerasGraph Graph { get; }

    /// <inheritdoc/>
    public DType DType => typeof(T) == typeof(double) ? DType.Float64 : DType.Float32;

    /// <summary>Runs a model of one input and one output: <paramref name="input"/> in Keras's layout (batch first,
    /// channels last).</summary>
    /// <param name="input">A <c>Tensor&lt;T&gt;</c>, or integer indices (<c>Tensor&lt;int&gt;</c> / <c>Tensor&lt;long&gt;</c>)
    /// for a model that starts with an Embedding.</param>
    /// <exception cref="ArgumentException">The model has several inputs or outputs (use
    /// <see cref="Predict(IReadOnlyList{object})"/>), or the input's shape is not its InputLayer's.</exception>
    public Tensor<T> Predict(object input)
    {
        ArgumentNullException.ThrowIfNull(input);
        KerasNetworkInputs.EnsureSingle(Graph);
        return Run([input])[0];
    }

    /// <summary>Runs the model on one tensor per input in <see cref="KerasGraph.Inputs"/> order (Keras's
    /// <c>model.inputs</c>), each in Keras's layout, and returns one tensor per output in
    /// <see cref="KerasGraph.Outputs"/> order.</summary>
    /// <param name="inputs">A <c>Tensor&lt;T&gt;</c> per input, or integer indices for an Embedding's input.</param>
    /// <exception cref="ArgumentException">Not one tensor per input, or an input whose shape is not its InputLayer's
    /// (named in the message with both shapes).</exception>
    public IReadOnlyList<Tensor<T>> Predict(IReadOnlyList<object> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        KerasNetworkInputs.EnsureCount(Graph, inputs.Count);
        for (int i = 0; i < inputs.Count; i++) ArgumentNullException.ThrowIfNull(inputs[i], $"inputs[{i}]");
        return Run(inputs);
    }

    /// <summary>Runs the model on arrays in Keras's layout, one per input (the engine-neutral
    /// <see cref="KerasNetworkExtensions.Predict(IKerasNetwork, IReadOnlyList{KerasInput})"/>; declared here so that
    /// a list of <see cref="KerasInput"/> is not taken for the engine tensors of <see cref="Predict(IReadOnlyList{object})"/>).</summary>
    /// <param name="inputs">One array with its shape per model input.</param>
    public IReadOnlyList<KerasPrediction> Predict(IReadOnlyList<KerasInput> inputs) => KerasNetworkExtensions.Predict(this, inputs);

    /// <summary>The layers in order on one tensor per graph input; one result per graph output.</summary>
    private Tensor<T>[] Run(IReadOnlyList<object> given)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        for (int i = 0; i < _inputs.Length; i++) values[_inputs[i]] = given[i];
        // Keras's masks, one bool per step (row-major over the tensor's axes but the last), beside the tensors.
        var masks = new Dictionary<string, bool[]?>(StringComparer.Ordinal);
        foreach (Step step in _steps)
        {
            object[] inputs = values.ContainsKey(step.Name) ? [values[step.Name]] : step.Inbound.Select(n => values[n]).ToArray();
            // Each input's mask: the merge layers and Concatenate read them all, the other layers their first input's.
            bool[]?[] inputMasks = step.Inbound.Select(n => masks[n]).ToArray();
            values[step.Name] = step.Run(inputs, inputMasks);
            masks[step.Name] = step.Mask(inputs, inputMasks);
        }
        return _outputs.Select(o => values[o] as Tensor<T> ?? throw new InvalidOperationException($"the output layer `{o}` produced no Tensor<{TensorFormat.TypeName(typeof(T))}>")).ToArray();
    }

    /// <inheritdoc/>
    public object Forward(object input) => Predict(input);

    /// <inheritdoc/>
    public IReadOnlyList<object> Forward(IReadOnlyList<object> inputs) => Predict(inputs);

    /// <summary>Nothing to release: the weights are managed arrays.</summary>
    public void Dispose() { }

    /// <summary>A 2-D window's pads on an NHWC input: TensorFlow's "same" (the odd cell after; Conv2D, DepthwiseConv2D and
    /// SeparableConv2D alike), none for "valid".</summary>
    private static Padding2D WindowPadding(Tensor<T> x, KerasPadding padding, int[] kernel, int[] strides, int[] dilation) =>
        padding == KerasPadding.Same
            ? Padding2D.Same((int)x.Lengths[1], (int)x.Lengths[2], (kernel[0], kernel[1]), (strides[0], strides[1]), (dilation[0], dilation[1]))
            : Padding2D.None;

    private static Tensor<T> Float(object value, string layer) => value switch
    {
        Tensor<T> t => t,
        Tensor<float> f => Convert(f),
        Tensor<double> d => Convert(d),
        _ => throw new ArgumentException($"layer `{layer}` needs a floating-point Tensor<{TensorFormat.TypeName(typeof(T))}>, got a {TensorFormat.TypeName(value.GetType())}"),
    };

    private static Tensor<T> Convert<TFrom>(Tensor<TFrom> source) where TFrom : unmanaged, INumberBase<TFrom>
    {
        var data = new TFrom[source.FlattenedLength];
        source.FlattenTo(data);
        var to = new T[data.Length];
        TensorPrimitives.ConvertChecked<TFrom, T>(data, to);
        return Tensor.Create(to, source.Lengths);
    }

    private static Tensor<T> Weight(KerasWeight w)
    {
        T[] data = w.Data switch
        {
            float[] f when typeof(T) == typeof(float) => (T[])(object)f.Clone(),
            double[] d when typeof(T) == typeof(double) => (T[])(object)d.Clone(),
            float[] f => f.Select(v => T.CreateChecked(v)).ToArray(),
            double[] d => d.Select(v => T.CreateChecked(v)).ToArray(),
            _ => throw new NotSupportedException(TensorFormat.TypeName(w.Data.GetType())),
        };
        return Tensor.Create(data, w.Shape.Select(v => checked((nint)v)).ToArray());
    }

    private static Func<object[], object> Compile(KerasLayer layer)
    {
        string name = layer.Name;
        IReadOnlyList<KerasWeight> w = layer.Weights;
        if (Preprocessing(layer) is { } preprocessing) return preprocessing;
        switch (layer.Spec)
        {
            case InputSpec input:
                return v => CheckInput(v[0], input, name);
            case ConvSpec { Rank: 3 } c3:
                return Conv3D(layer, c3);
            case PoolingSpec { Rank: 3 } p3:
                return Pool3D(layer, p3);
            case GlobalPoolingSpec { Rank: 3 } g3:
                return GlobalPool3D(layer, g3);
            case ZeroPaddingSpec { Rank: 3 } z3:
                return ZeroPad3D(layer, z3);
            case Conv2DTransposeSpec { Rank: 3 } t3:
                return Conv3DTranspose(layer, t3);
            case ConvSpec c:
            {
                Tensor<T> kernel = Weight(w[0]);
                Tensor<T>? bias = c.UseBias ? Weight(w[1]) : null;
                SpanAction<T>? act = Activation(c.Activation, c.Filters);
                if (c.Rank == 1)
                    return v =>
                    {
                        Tensor<T> x = Float(v[0], name);
                        KerasWindow.EnsureFits(layer, [x.Lengths[1]]);
                        (int before, int after) = c.Padding switch
                        {
                            KerasPadding.Same => Padding2D.SameAxis((int)x.Lengths[1], c.KernelSize[0], c.Strides[0], c.Dilation[0]),
                            KerasPadding.Causal => ((c.KernelSize[0] - 1) * c.Dilation[0], 0),
                            _ => (0, 0),
                        };
                        return Conv2DKernel.Conv1D(x, kernel, bias, c.Strides[0], before, after, c.Dilation[0], c.Groups, act);
                    };
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    KerasWindow.EnsureFits(layer, [x.Lengths[1], x.Lengths[2]]);
                    Padding2D padding = WindowPadding(x, c.Padding, c.KernelSize, c.Strides, c.Dilation);
                    return Conv2DKernel.Conv2D(x, kernel, bias, (c.Strides[0], c.Strides[1]), padding, (c.Dilation[0], c.Dilation[1]), c.Groups, act);
                };
            }
            case DepthwiseConv2DSpec { Rank: 1 } or Conv2DTransposeSpec { Rank: 1 }:
                return Conv1DAs2D(layer);
            case DepthwiseConv2DSpec d:
            {
                // Keras's (kh, kw, in, multiplier) is, element for element, a grouped-conv kernel (kh, kw, 1, in·multiplier)
                // with groups = in: output channel c·multiplier + m reads input channel c, as in tf.nn.depthwise_conv2d.
                Tensor<T> stored = Weight(w[0]);
                Tensor<T> depthwise = Reshape(stored, [stored.Lengths[0], stored.Lengths[1], 1, stored.Lengths[2] * stored.Lengths[3]]);
                int groups = (int)stored.Lengths[2];
                Tensor<T>? pointwise = d.PointwiseFilters is null ? null : Weight(w[1]);
                Tensor<T>? bias = d.UseBias ? Weight(w[^1]) : null;
                SpanAction<T>? act = Activation(d.Activation, d.PointwiseFilters ?? groups * d.DepthMultiplier);
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    KerasWindow.EnsureFits(layer, [x.Lengths[1], x.Lengths[2]]);
                    Padding2D padding = WindowPadding(x, d.Padding, d.KernelSize, d.Strides, d.Dilation);
                    (int, int) strides = (d.Strides[0], d.Strides[1]), dilation = (d.Dilation[0], d.Dilation[1]);
                    if (pointwise is null) return Conv2DKernel.Conv2D(x, depthwise, bias, strides, padding, dilation, groups, act);
                    // tf.nn.separable_conv2d: the depthwise step takes the strides, padding and dilation; then a stride-1
                    // "valid" 1x1 convolution, the layer's one bias and its activation.
                    Tensor<T> deep = Conv2DKernel.Conv2D(x, depthwise, null, strides, padding, dilation, groups);
                    return Conv2DKernel.Conv2D(deep, pointwise, bias, (1, 1), Padding2D.None, (1, 1), 1, act);
                };
            }
            case Conv2DTransposeSpec t:
            {
                Tensor<T> kernel = Weight(w[0]);
                Tensor<T>? bias = t.UseBias ? Weight(w[1]) : null;
                SpanAction<T>? act = Activation(t.Activation, t.Filters);
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    (int, int) output = ((int)ShapeInference.TransposeOutputLength(x.Lengths[1], t.KernelSize[0], t.Strides[0], t.Padding),
                        (int)ShapeInference.TransposeOutputLength(x.Lengths[2], t.KernelSize[1], t.Strides[1], t.Padding));
                    (int, int) before = (TransposePadBefore(output.Item1, t.KernelSize[0], t.Strides[0], t.Padding),
                        TransposePadBefore(output.Item2, t.KernelSize[1], t.Strides[1], t.Padding));
                    return Conv2DTransposeKernel.Conv2DTranspose(x, kernel, bias, (t.Strides[0], t.Strides[1]), output, before, act);
                };
            }
            case LayerNormSpec n:
            {
                // Keras's axes count the batch axis, as this engine's layout does; γ and β as stored (their axes in order).
                int[] axes = ShapeInference.LayerNormAxes(n, layer.InputShapes[0], name, layer.ClassName).Select(a => a + 1).ToArray();
                int i = 0;
                T[]? gamma = n.Scale ? Vector(w[i++]) : null;
                T[]? beta = n.Center ? Vector(w[i]) : null;
                return v => LayerNormKernel.LayerNorm(Float(v[0], name), axes, gamma, beta, n.Epsilon);
            }
            case GroupNormSpec g:
                return GroupNorm(layer, g);
            case UnitNormSpec u:
                return UnitNorm(layer, u);
            case DotSpec dot:
                return Dot(layer, dot);
            case DenseSpec d:
            {
                Tensor<T> kernel = Weight(w[0]);
                Tensor<T>? bias = d.UseBias ? Weight(w[1]) : null;
                SpanAction<T>? act = Activation(d.Activation, d.Units);
                return v => MatMulKernel.Dense(Float(v[0], name), kernel, bias, act);
            }
            case FlattenSpec:
                return v => { Tensor<T> x = Float(v[0], name); return Reshape(x, [x.Lengths[0], (nint)(x.FlattenedLength / Math.Max(1, x.Lengths[0]))]); };
            case ReshapeSpec:
            {
                long[] target = layer.OutputShape;
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    long[] shape = KerasRuntimeShapes.ReshapeTarget(name, target, x.FlattenedLength / Math.Max(1, x.Lengths[0]));
                    return Reshape(x, [x.Lengths[0], .. shape.Select(s => (nint)s)]);
                };
            }
            case PoolingSpec p:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    KerasWindow.EnsureFits(layer, Spatial(x, p.Rank));
                    // 1-D pooling is 2-D pooling of (N, L, 1, C) with a (k, 1) window: the same TensorFlow rules.
                    Tensor<T> image = p.Rank == 1 ? Reshape(x, [x.Lengths[0], x.Lengths[1], 1, x.Lengths[2]]) : x;
                    (int H, int W) pool = (p.PoolSize[0], p.Rank == 1 ? 1 : p.PoolSize[1]), strides = (p.Strides[0], p.Rank == 1 ? 1 : p.Strides[1]);
                    Padding2D padding = p.Padding == KerasPadding.Same
                        ? Padding2D.Same((int)image.Lengths[1], (int)image.Lengths[2], pool, strides)
                        : Padding2D.None;
                    Tensor<T> y = p.Kind == KerasPoolingKind.Max
                        ? Pool2DKernel.MaxPool2D(image, pool, strides, padding)
                        : Pool2DKernel.AvgPool2D(image, pool, strides, padding);
                    return p.Rank == 1 ? Reshape(y, [y.Lengths[0], y.Lengths[1], y.Lengths[3]]) : y;
                };
            case GlobalPoolingSpec g:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    Tensor<T> image = g.Rank == 1 ? Reshape(x, [x.Lengths[0], x.Lengths[1], 1, x.Lengths[2]]) : x;
                    Tensor<T> y = g.Kind == KerasPoolingKind.Max ? Pool2DKernel.GlobalMaxPool2D(image, g.KeepDims) : Pool2DKernel.GlobalAvgPool2D(image, g.KeepDims);
                    return g.Rank == 1 && g.KeepDims ? Reshape(y, [y.Lengths[0], 1, y.Lengths[3]]) : y;   // (N, 1, 1, C) -> Keras's (N, 1, C)
                };
            case BatchNormSpec b:
            {
                // Keras's axis counts the batch axis, and this engine keeps Keras's layout: the same axis.
                int axis = KerasAxes.NonBatch(b.Axis, layer.InputShapes[0].Length)!.Value + 1;
                long channels = layer.InputShapes[0][axis - 1];
                int i = 0;
                T[] gamma = b.Scale ? Vector(w[i++]) : Enumerable.Repeat(T.One, (int)channels).ToArray();
                T[] beta = b.Center ? Vector(w[i++]) : new T[channels];
                T[] mean = Vector(w[i++]), variance = Vector(w[i]);
                return v => BatchNormKernel.BatchNorm(Float(v[0], name), gamma, beta, mean, variance, b.Epsilon, axis);
            }
            case DropoutSpec:
                return v => v[0];
            case ActivationSpec a when a.Activation.IsSoftmaxOffLastAxis(layer.InputShapes[0].Length):
            {
                // Axes other than the last alone; Keras's axes count the batch axis, as this engine's layout does.
                int rank = layer.InputShapes[0].Length;
                int[] axes = a.Activation.SoftmaxAxes.Select(k => KerasAxes.NonBatch(k, rank)!.Value + 1).ToArray();
                return v => SoftmaxKernel.Softmax(Float(v[0], name), axes);
            }
            case ActivationSpec { Activation.Kind: KerasActivationKind.Glu }:
                return v => Glu(Float(v[0], name), name);
            case ActivationSpec a:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    SpanAction<T>? act = Activation(a.Activation, (int)x.Lengths[^1]);
                    return act is null ? x : ActivationKernels.Map(x, act);
                };
            case PReLUSpec:
            {
                Tensor<T> alpha = Weight(w[0]);
                return v => PReLUKernel.PReLU(Float(v[0], name), alpha);
            }
            case ZeroPaddingSpec z:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    if (z.Rank == 2) return ShapeKernels.ZeroPad2D(x, new Padding2D(z.Before[0], z.After[0], z.Before[1], z.After[1]));
                    Tensor<T> y = ShapeKernels.ZeroPad2D(Reshape(x, [x.Lengths[0], x.Lengths[1], 1, x.Lengths[2]]), new Padding2D(z.Before[0], z.After[0], 0, 0));
                    return Reshape(y, [y.Lengths[0], y.Lengths[1], y.Lengths[3]]);
                };
            case CroppingSpec c:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    KerasRuntimeShapes.EnsureCroppable(layer, Spatial(x, c.Rank));
                    return ShapeKernels.Crop(x, c.Before, c.After);
                };
            case UpSamplingSpec { Interpolation: KerasUpSampling.Bilinear } u:
                return v => ResizeBilinear(Float(v[0], name), u.Size[0], u.Size[1]);
            case UpSamplingSpec u:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    for (int d = 0; d < u.Rank; d++) x = ShapeKernels.Repeat(x, d + 1, u.Size[d]);
                    return x;
                };
            case PermuteSpec p:
            {
                // Keras's dims are 1-based and leave out the batch axis, which stays first.
                int[] axes = [0, .. p.Dims];
                return v => ShapeKernels.Permute(Float(v[0], name), axes);
            }
            case RepeatVectorSpec r:
                return v =>
                {
                    Tensor<T> x = Float(v[0], name);
                    return ShapeKernels.Repeat(Reshape(x, [x.Lengths[0], 1, x.Lengths[1]]), 1, r.N);
                };
            case MergeSpec m:
            {
                BinaryOp op = m.Op switch
                {
                    KerasMergeOp.Add or KerasMergeOp.Average => BinaryOp.Add,
                    KerasMergeOp.Subtract => BinaryOp.Subtract,
                    KerasMergeOp.Multiply => BinaryOp.Multiply,
                    KerasMergeOp.Maximum => BinaryOp.Maximum,
                    KerasMergeOp.Minimum => BinaryOp.Minimum,
                    _ => throw new NotSupportedException($"layer `{name}`: merge {m.Op} has no numerics implementation"),
                };
                return v => MergeKernel.Merge(Merged(v, layer), op, divideByCount: m.Op == KerasMergeOp.Average);
            }
            case ConcatenateSpec cat:
                // Keras's axis counts the batch axis, and this engine keeps Keras's layout: the same axis.
                return v => ShapeKernels.Concatenate(Merged(v, layer), cat.Axis);
            case EmbeddingSpec:
            {
                Tensor<T> table = Weight(w[0]);
                return v =>
                {
                    Tensor<long> ids = Indices(v[0], name);
                    if (ids.FlattenedLength > 0)
                    {
                        long[] flat = TensorToArrayOf(ids);
                        KerasEmbeddingIds.EnsureInRange(layer, TensorPrimitives.Min<long>(flat), TensorPrimitives.Max<long>(flat));
                    }
                    return ShapeKernels.Embedding(ids, table);
                };
            }
            case RecurrentSpec r:
            {
                Func<object[], bool[]?, object> run = Recurrent(layer, r);
                return v => run(v, null);
            }
            case MaskingSpec m:
                return v => Masking(Float(v[0], name), T.CreateChecked(m.MaskValue));
            case BidirectionalSpec b:
            {
                Func<object[], bool[]?, object> run = Bidirectional(layer, b);
                return v => run(v, null);
            }
            case TimeDistributedSpec:
                return TimeDistributed(layer);
            case MultiHeadAttentionSpec m:
            {
                Func<object[], bool[]?[], object> run = MultiHeadAttention(layer, m);
                return v => run(v, []);
            }
            case AttentionSpec a:
            {
                Func<object[], bool[]?[], object> run = Attention(layer, a);
                return v => run(v, []);
            }
            case TFOpSpec op:
                return TFOp(layer, op);
            default:
                throw new NotSupportedException($"layer `{name}` ({layer.ClassName}) has no implementation on the numerics engine");
        }
    }

    private static T[] Vector(KerasWeight w) => TensorToArray(Weight(w));

    /// <summary>DepthwiseConv1D / SeparableConv1D / Conv1DTranspose: the 2-D layer on (N, 1, L, C) (see
    /// <see cref="KerasConv1DLayers"/>), a causal layer's input first padded with (k − 1)·dilation zero steps on the left.</summary>
    private static Func<object[], object> Conv1DAs2D(KerasLayer layer)
    {
        Func<object[], object> image = Compile(KerasConv1DLayers.As2D(layer));
        int pad = KerasConv1DLayers.CausalPad(layer);
        return v =>
        {
            Tensor<T> x = Float(v[0], layer.Name);
            KerasWindow.EnsureFits(layer, [x.Lengths[1]]);
            int batch = (int)x.Lengths[0], steps = (int)x.Lengths[1], channels = (int)x.Lengths[2];
            T[] data = TensorToArray(x);
            if (pad > 0)
            {
                var padded = new T[(long)batch * (steps + pad) * channels];
                for (int b = 0; b < batch; b++)
                    data.AsSpan(b * steps * channels, steps * channels).CopyTo(padded.AsSpan((b * (steps + pad) + pad) * channels));
                data = padded;
            }
            var y = (Tensor<T>)image([Tensor.Create(data, [batch, 1, steps + pad, channels])]);
            return Reshape(y, [y.Lengths[0], y.Lengths[2], y.Lengths[3]]);
        };
    }

    /// <summary>The cells a transposed convolution cuts from the start of its full result on one axis: "same" takes the
    /// "before" pad of the Conv2D whose input has the output's length (TensorFlow's conv2d_transpose is that conv's
    /// adjoint); "valid" none.</summary>
    private static int TransposePadBefore(int outputLength, int kernel, int stride, KerasPadding padding) =>
        padding == KerasPadding.Same ? KerasLayout.SamePadding(outputLength, kernel, stride).Before : 0;

    /// <summary>The spatial lengths of a channels-last (N, s₁ … s_k, C) input, for the window and crop checks.</summary>
    private static long[] Spatial(Tensor<T> x, int rank)
    {
        var lengths = new long[rank];
        for (int d = 0; d < rank && d + 1 < x.Rank; d++) lengths[d] = x.Lengths[d + 1];
        return lengths;
    }

    /// <summary>A copy under new lengths (Tensor&lt;T&gt;.Reshape in System.Numerics.Tensors 10.0.0 refuses some valid reshapes).</summary>
    private static Tensor<T> Reshape(Tensor<T> x, nint[] lengths) => Tensor.Create(TensorToArray(x), lengths);

    private static T[] TensorToArray(Tensor<T> t)
    {
        var data = new T[t.FlattenedLength];
        t.FlattenTo(data);
        return data;
    }

    /// <summary>A merge layer's inputs as <typeparamref name="T"/> tensors, their shapes checked (naming the layer).</summary>
    private static Tensor<T>[] Merged(object[] inputs, KerasLayer layer)
    {
        Tensor<T>[] tensors = inputs.Select(x => Float(x, layer.Name)).ToArray();
        KerasRuntimeShapes.EnsureMergeable(layer, tensors.Select(t => t.Lengths.ToArray().Select(v => (long)v).ToArray()).ToArray());
        return tensors;
    }

    private static Tensor<long> Indices(object value, string layer) => value switch
    {
        Tensor<long> l => l,
        Tensor<int> i => Tensor.Create(TensorToArrayOf(i).Select(v => (long)v).ToArray(), i.Lengths),
        Tensor<float> f => Tensor.Create(TensorToArrayOf(f).Select(v => (long)v).ToArray(), f.Lengths),
        Tensor<double> d => Tensor.Create(TensorToArrayOf(d).Select(v => (long)v).ToArray(), d.Lengths),
        _ => throw new ArgumentException($"layer `{layer}` (Embedding) needs integer indices, got a {TensorFormat.TypeName(value.GetType())}"),
    };

    private static TAny[] TensorToArrayOf<TAny>(Tensor<TAny> t)
    {
        var data = new TAny[t.FlattenedLength];
        t.FlattenTo(data);
        return data;
    }

    private static object CheckInput(object value, InputSpec spec, string layer)
    {
        if (value is not IReadOnlyTensor tensor)
            throw new ArgumentException($"Argument `input` (input `{layer}`) must be a Tensor<T> of the numerics engine. Received: a {TensorFormat.TypeName(value.GetType())}", "input");
        ReadOnlySpan<nint> lengths = tensor.Lengths;
        bool ok = lengths.Length == spec.Shape.Length + 1;
        for (int d = 0; ok && d < spec.Shape.Length; d++) ok = spec.Shape[d] < 0 || spec.Shape[d] == lengths[d + 1];
        if (!ok)
        {
            long[] shape = new long[lengths.Length];
            for (int d = 0; d < shape.Length; d++) shape[d] = lengths[d];
            throw new ArgumentException(
                $"Argument `input` must have shape {KerasLayer.FormatBatchShape(spec.Shape)} (input `{layer}`, channels last). Received: input.shape={TensorInfo.FormatShape(shape)}", "input");
        }
        return value;
    }

    /// <summary>The fused activation over whole last-axis rows of <paramref name="rowLength"/>; null for linear.</summary>
    private static SpanAction<T>? Activation(KerasActivation a, int rowLength) => a.Kind switch
    {
        KerasActivationKind.Linear => null,
        KerasActivationKind.Relu => v => ActivationKernels.Relu(v, a.Alpha, a.MaxValue, a.Threshold),
        KerasActivationKind.Sigmoid => ActivationKernels.Sigmoid,
        KerasActivationKind.Tanh => ActivationKernels.Tanh,
        KerasActivationKind.Softmax => v => ActivationKernels.Softmax(v, rowLength),
        KerasActivationKind.Elu => v => ActivationKernels.Elu(v, a.Alpha),
        KerasActivationKind.Selu => ActivationKernels.Selu,
        KerasActivationKind.Softplus => ActivationKernels.Softplus,
        KerasActivationKind.Softsign => ActivationKernels.Softsign,
        KerasActivationKind.Swish => ActivationKernels.Swish,
        KerasActivationKind.Exponential => ActivationKernels.Exp,
        KerasActivationKind.Gelu => ActivationKernels.Gelu,
        KerasActivationKind.Mish => ActivationKernels.Mish,
        KerasActivationKind.HardSigmoid => ActivationKernels.HardSigmoid,
        KerasActivationKind.HardSigmoidKeras2 => ActivationKernels.HardSigmoidKeras2,
        KerasActivationKind.HardSilu => ActivationKernels.HardSilu,
        KerasActivationKind.LogSoftmax => v => ActivationKernels.LogSoftmax(v, rowLength),
        KerasActivationKind.Celu => v => ActivationKernels.Celu(v, a.Alpha),
        KerasActivationKind.Squareplus => ActivationKernels.Squareplus,
        KerasActivationKind.SoftShrink => ActivationKernels.SoftShrink,
        KerasActivationKind.SparsePlus => ActivationKernels.SparsePlus,
        KerasActivationKind.TanhShrink => ActivationKernels.TanhShrink,
        KerasActivationKind.SparseSigmoid => ActivationKernels.SparseSigmoid,
        KerasActivationKind.HardTanh => ActivationKernels.HardTanh,
        KerasActivationKind.HardShrink => ActivationKernels.HardShrink,
        KerasActivationKind.LogSigmoid => ActivationKernels.LogSigmoid,
        KerasActivationKind.SparsemaxKeras3 => v => SparsemaxRows(v, rowLength),
        _ => throw new NotSupportedException($"activation {a} has no numerics implementation"),
    };
}
