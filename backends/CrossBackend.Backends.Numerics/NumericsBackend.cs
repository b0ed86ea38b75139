using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The System.Numerics.Tensors kernels for predictions of element type <typeparamref name="T"/> (float or double).
/// Per-row work is fused: each input value is read from memory once, rows run in parallel, and the row arithmetic
/// goes through <see cref="TensorPrimitives"/> (SIMD).
/// </summary>
public sealed partial class NumericsBackend<T> : TensorBackend<Tensor<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal const string EngineName = "numerics";

    /// <summary>The single instance (the backend holds no state).</summary>
    public static NumericsBackend<T> Instance { get; } = new();

    private NumericsBackend() { }

    /// <inheritdoc/>
    public override string Name => EngineName;

    /// <inheritdoc/>
    public override int ClassAxis => -1;

    /// <inheritdoc/>
    public override TensorInfo Describe(Tensor<T> tensor) =>
        new(TensorData.Shape(tensor.Lengths), TensorData.DTypeOf(typeof(T)), "cpu");

    /// <inheritdoc/>
    public override Tensor<T> Adopt(object tensor, string argumentName) => tensor switch
    {
        Tensor<T> same => same,
        Tensor<float> f => TensorData.Convert<float, T>(f),
        Tensor<double> d => TensorData.Convert<double, T>(d),
        Tensor<Half> h => TensorData.Convert<Half, T>(h),
        Tensor<BFloat16> bf => TensorData.Convert<float, T>(TensorData.Widen(bf)),
        Tensor<int> i => TensorData.Convert<int, T>(i),
        Tensor<long> l => TensorData.Convert<long, T>(l),
        Tensor<short> s => TensorData.Convert<short, T>(s),
        Tensor<sbyte> sb => TensorData.Convert<sbyte, T>(sb),
        Tensor<byte> b => TensorData.Convert<byte, T>(b),
        Tensor<bool> b => Tensor.Create(TensorData.ToArray(b).Select(v => v ? T.One : T.Zero).ToArray(), b.Lengths),
        _ => throw new ArgumentException(
            $"Argument `{argumentName}` must be a numeric System.Numerics.Tensors.Tensor<T>. Received: a {tensor.GetType().Name}",
            argumentName),
    };

    /// <inheritdoc/>
    public override Tensor<T> CategoricalCrossentropy(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis)
    {
        long[] shape = TensorData.Shape(output.Lengths);
        var layout = RowLayout.Around(shape, axis);
        var loss = new T[layout.Rows];
        CategoricalCrossentropyKernel<T>.Run(TensorData.Read(target), TensorData.Read(output), loss, layout, fromLogits);
        return TensorData.Create(loss, Shapes.Without(shape, axis));
    }

    /// <inheritdoc/>
    /// <remarks>Fused: the arg-max of each y_true row is taken in the same sweep as the loss, while the row is in
    /// cache, and the weight is applied before the row's result is stored (one pass, one B-sized result).</remarks>
    public override Tensor<T> WeightedCategoricalCrossentropy(Tensor<T> target, Tensor<T> output, bool fromLogits, int axis, double[] classWeights)
    {
        long[] shape = TensorData.Shape(output.Lengths);
        var layout = RowLayout.Around(shape, axis);
        var loss = new T[layout.Rows];
        var weights = new T[classWeights.Length];
        for (int c = 0; c < weights.Length; c++) weights[c] = T.CreateChecked(classWeights[c]);
        CategoricalCrossentropyKernel<T>.Run(TensorData.Read(target), TensorData.Read(output), loss, layout, fromLogits, weights);
        return TensorData.Create(loss, Shapes.Without(shape, axis));
    }

    /// <inheritdoc/>
    public override Tensor<T> ArgMax(Tensor<T> tensor, int axis)
    {
        long[] shape = TensorData.Shape(tensor.Lengths);
        var layout = RowLayout.Around(shape, axis);
        ReadOnlySpan<T> data = TensorData.Read(tensor);
        var result = new T[layout.Rows];
        Span<T> row = layout.Classes <= 1024 ? stackalloc T[layout.Classes] : new T[layout.Classes];
        for (int r = 0; r < result.Length; r++)
        {
            int start = layout.Start(r);
            for (int c = 0; c < row.Length; c++) row[c] = data[start + c * layout.Inner];
            result[r] = T.CreateChecked(TensorPrimitives.IndexOfMax<T>(row));
        }
        return TensorData.Create(result, Shapes.Without(shape, axis));
    }

    /// <inheritdoc/>
    public override Tensor<T> Gather(double[] table, Tensor<T> indices, Tensor<T> dtypeOf)
    {
        ReadOnlySpan<T> index = TensorData.Read(indices);
        var result = new T[index.Length];
        for (int i = 0; i < result.Length; i++) result[i] = T.CreateChecked(table[int.CreateTruncating(index[i])]);
        return Tensor.Create(result, indices.Lengths);
    }

    /// <inheritdoc/>
    public override Tensor<T> Multiply(Tensor<T> a, Tensor<T> b)
    {
        var result = new T[checked((int)a.FlattenedLength)];
        TensorPrimitives.Multiply(TensorData.Read(a), TensorData.Read(b), result);
        return Tensor.Create(result, a.Lengths);
    }

    /// <inheritdoc/>
    public override Tensor<T> Mean(Tensor<T> tensor)
    {
        // System.Numerics.Tensors 10 has no rank-0 tensors: the mean is a one-element tensor of shape [1].
        return Tensor.Create([T.CreateTruncating(SumInDouble(tensor) / tensor.FlattenedLength)], [1]);
    }
}
