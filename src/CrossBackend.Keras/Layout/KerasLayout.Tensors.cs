namespace CrossBackend.Keras;

public static partial class KerasLayout
{
    // The same converters over any engine's tensors (TorchSharp tensors, Tensor<T>, ...): the engine that owns
    // the tensor is found through TensorEngines, the data is converted, and a new tensor of the same engine and
    // dtype comes back. Activations move with the engine's own MoveAxis (no host copy).

    /// <summary><see cref="ChannelsLastToFirst{T}"/> on a tensor of any engine (the core's <see cref="Layout"/> does the
    /// move; it also has NHWC/NCHW, 1-D and 3-D forms and .NET-array overloads).</summary>
    /// <param name="tensor">Channels-last activations of rank 3 to 5.</param>
    public static object ChannelsLastToFirst(object tensor)
    {
        (ITensorEngine engine, TensorInfo info) = Owner(tensor, nameof(tensor));
        RequireRank(info, nameof(tensor), 3, 5);
        return Layout.ChannelsLastToFirst(tensor);
    }

    /// <summary><see cref="ChannelsFirstToLast{T}"/> on a tensor of any engine.</summary>
    /// <param name="tensor">Channels-first activations of rank 3 to 5.</param>
    public static object ChannelsFirstToLast(object tensor)
    {
        (ITensorEngine engine, TensorInfo info) = Owner(tensor, nameof(tensor));
        RequireRank(info, nameof(tensor), 3, 5);
        return Layout.ChannelsFirstToLast(tensor);
    }

    /// <summary><see cref="ConvKernelToTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A Keras conv kernel tensor.</param>
    public static object ConvKernelToTorch(object kernel) => Apply(kernel, nameof(kernel), ConvKernelToTorch);

    /// <summary><see cref="ConvKernelFromTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A PyTorch-layout conv weight tensor.</param>
    public static object ConvKernelFromTorch(object kernel) => Apply(kernel, nameof(kernel), ConvKernelFromTorch);

    /// <summary><see cref="DepthwiseKernelToTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A Keras depthwise kernel tensor.</param>
    public static object DepthwiseKernelToTorch(object kernel) => Apply(kernel, nameof(kernel), DepthwiseKernelToTorch);

    /// <summary><see cref="ConvTransposeKernelToTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A Keras Conv2DTranspose (rank 4) or Conv3DTranspose (rank 5) kernel tensor.</param>
    public static object ConvTransposeKernelToTorch(object kernel) => Apply(kernel, nameof(kernel), ConvTransposeKernelToTorch);

    /// <summary><see cref="DenseKernelToTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A Keras Dense kernel tensor (in, out).</param>
    public static object DenseKernelToTorch(object kernel) => Apply(kernel, nameof(kernel), DenseKernelToTorch);

    /// <summary><see cref="DenseKernelFromTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="weight">A Linear weight tensor (out, in).</param>
    public static object DenseKernelFromTorch(object weight) => Apply(weight, nameof(weight), DenseKernelFromTorch);

    /// <summary><see cref="FlattenRowsToChannelsFirst{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A Keras Dense kernel tensor (in, out).</param>
    /// <param name="shapeBeforeFlatten">The channels-last shape the Flatten received, batch excluded.</param>
    public static object FlattenRowsToChannelsFirst(object kernel, long[] shapeBeforeFlatten) =>
        Apply(kernel, nameof(kernel), k => FlattenRowsToChannelsFirst(k, shapeBeforeFlatten));

    /// <summary><see cref="FlattenedDenseKernelToTorch{T}"/> on a tensor of any engine.</summary>
    /// <param name="kernel">A Keras Dense kernel tensor (in, out).</param>
    /// <param name="shapeBeforeFlatten">The channels-last shape the Flatten received, batch excluded.</param>
    public static object FlattenedDenseKernelToTorch(object kernel, long[] shapeBeforeFlatten) =>
        Apply(kernel, nameof(kernel), k => FlattenedDenseKernelToTorch(k, shapeBeforeFlatten));

    /// <summary><see cref="LstmToTorch{T}(KerasArray{T}, KerasArray{T}, KerasArray{T})"/> on tensors of any engine:
    /// (weight_ih, weight_hh, bias_ih, bias_hh) as tensors of the kernel's engine.</summary>
    /// <param name="kernel">Keras <c>kernel</c>.</param>
    /// <param name="recurrentKernel">Keras <c>recurrent_kernel</c>.</param>
    /// <param name="bias">Keras <c>bias</c>, or null.</param>
    public static (object WeightIh, object WeightHh, object BiasIh, object BiasHh) LstmToTorch(object kernel, object recurrentKernel, object? bias)
    {
        (ITensorEngine engine, TensorInfo info) = Owner(kernel, nameof(kernel));
        RecurrentWeights<double> w = LstmToTorch(Read(kernel, nameof(kernel)), Read(recurrentKernel, nameof(recurrentKernel)),
            bias is null ? null : Read(bias, nameof(bias)));
        return Write(engine, info.DType, w);
    }

    /// <summary><see cref="GruToTorch{T}(KerasArray{T}, KerasArray{T}, KerasArray{T}, bool)"/> on tensors of any engine.</summary>
    /// <param name="kernel">Keras <c>kernel</c>.</param>
    /// <param name="recurrentKernel">Keras <c>recurrent_kernel</c>.</param>
    /// <param name="bias">Keras <c>bias</c> (2, 3·units), or null.</param>
    /// <param name="resetAfter">The layer's <c>reset_after</c> (False is refused).</param>
    public static (object WeightIh, object WeightHh, object BiasIh, object BiasHh) GruToTorch(object kernel, object recurrentKernel, object? bias, bool resetAfter = true)
    {
        (ITensorEngine engine, TensorInfo info) = Owner(kernel, nameof(kernel));
        RecurrentWeights<double> w = GruToTorch(Read(kernel, nameof(kernel)), Read(recurrentKernel, nameof(recurrentKernel)),
            bias is null ? null : Read(bias, nameof(bias)), resetAfter);
        return Write(engine, info.DType, w);
    }

    private static (object, object, object, object) Write(ITensorEngine engine, DType dtype, RecurrentWeights<double> w) =>
        (ToTensor(engine, dtype, w.WeightIh), ToTensor(engine, dtype, w.WeightHh),
         ToTensor(engine, dtype, new KerasArray<double>(w.BiasIh, [w.BiasIh.Length])), ToTensor(engine, dtype, new KerasArray<double>(w.BiasHh, [w.BiasHh.Length])));

    private static (ITensorEngine Engine, TensorInfo Info) Owner(object tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        ITensorEngine engine = TensorEngines.OwnerOf(tensor.GetType()) ?? throw new ArgumentException(
            $"Argument `{name}` must be a tensor of a CrossBackend engine or a KerasArray<T>. Received: a {TensorFormat.TypeName(tensor.GetType())}", name);
        return (engine, engine.Describe(tensor));
    }

    private static void RequireRank(TensorInfo info, string name, int min, int max)
    {
        if (info.Rank < min || info.Rank > max)
            throw new ArgumentException($"Argument `{name}` must have rank {min} to {max}. Received: {name}.shape={info.ShapeText}", name);
    }

    private static KerasArray<double> Read(object tensor, string name)
    {
        (ITensorEngine engine, TensorInfo info) = Owner(tensor, name);
        if (!info.DType.IsFloatingPoint())
            throw new ArgumentException($"Argument `{name}` must be a floating-point tensor. Received: {name}.dtype={info.DType.Name()}", name);
        double[] data = engine.ToDoubleArray(tensor, out long[] shape);
        return new KerasArray<double>(data, shape);
    }

    private static object Apply(object tensor, string name, Func<KerasArray<double>, KerasArray<double>> convert)
    {
        (ITensorEngine engine, TensorInfo info) = Owner(tensor, name);
        return ToTensor(engine, info.DType, convert(Read(tensor, name)));
    }

    /// <summary>Back to the engine in the input's dtype: float64 stays exact, float32 round-trips exactly through
    /// double, narrower types are cast by the engine.</summary>
    private static object ToTensor(ITensorEngine engine, DType dtype, KerasArray<double> array)
    {
        if (dtype == DType.Float64) return engine.FromArray(array.Data, array.Shape);
        object single = engine.FromArray(Array.ConvertAll(array.Data, v => (float)v), array.Shape);
        return dtype == DType.Float32 ? single : engine.Cast(single, dtype);
    }
}
