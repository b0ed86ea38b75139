using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>An operation on a span of values in place (a fused activation receives whole last-axis rows).</summary>
internal delegate void SpanAction<T>(Span<T> values);

/// <summary>Keras's activations on spans, in place (callers pass a fresh buffer), vectorised where TensorPrimitives has the function.</summary>
internal static partial class ActivationKernels
{
    /// <summary>A copy of <paramref name="input"/> with <paramref name="activation"/> applied (the input is untouched).</summary>
    public static Tensor<T> Map<T>(Tensor<T> input, SpanAction<T> activation)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activation);
        T[] values = TensorData.ToArray(input);
        activation(values);
        return Tensor.Create(values, input.Lengths);
    }

    /// <summary>
    /// Keras 3's general ReLU (<c>keras.activations.relu</c>, which the <c>ReLU</c> layer calls), step by step as
    /// Keras computes it: with only a slope, leaky_relu; otherwise y = x·(x &gt; threshold) (strictly greater: 0 at
    /// x = threshold) or relu(x) when threshold is 0, then clip(y, 0, maxValue), then y −= slope·relu(threshold − x).
    /// So relu([−10, −5, 0, 5, 10], threshold: 5) is [−0, −0, 0, 0, 10] (Keras's docstring), not the layer
    /// docstring's "threshold ≤ x → x". relu is (0, null, 0), relu6 (0, 6, 0), LeakyReLU(α) (α, null, 0).
    /// </summary>
    public static void Relu<T>(Span<T> values, double negativeSlope = 0, double? maxValue = null, double threshold = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (negativeSlope == 0 && maxValue is null && threshold == 0)
        {
            TensorPrimitives.Max(values, T.Zero, values);
            return;
        }
        T slope = T.CreateChecked(negativeSlope), t = T.CreateChecked(threshold);
        if (maxValue is null && threshold == 0)
        {
            for (int i = 0; i < values.Length; i++) values[i] = values[i] >= T.Zero ? values[i] : slope * values[i];   // leaky_relu
            return;
        }
        T? limit = maxValue is null ? null : T.CreateChecked(maxValue.Value);
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            // x·0 keeps Keras's −0 below a threshold; NaN passes through as in x·cast(x > t).
            T y = threshold != 0 ? x * (x > t ? T.One : T.Zero) : T.Max(x, T.Zero);
            if (limit is T m) y = T.Min(T.Max(y, T.Zero), m);
            if (negativeSlope != 0) y -= slope * T.Max(t - x, T.Zero);
            values[i] = y;
        }
    }

    /// <summary>1 / (1 + e^−x).</summary>
    public static void Sigmoid<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T> => NumericsOps<T>.SigmoidSpan(values, values);

    /// <summary>tanh(x).</summary>
    public static void Tanh<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T> => NumericsOps<T>.TanhSpan(values, values);

    /// <summary>e^x.</summary>
    public static void Exp<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T> => DoubleExp.Span<T>(values, values);

    /// <summary>x for x &gt; 0, α·(e^x − 1) otherwise (with expm1, as TensorFlow).</summary>
    public static void Elu<T>(Span<T> values, double alpha = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateChecked(alpha);
        for (int i = 0; i < values.Length; i++) values[i] = values[i] > T.Zero ? values[i] : a * T.ExpM1(values[i]);
    }

    /// <summary>SELU: scale·elu(x, α) with α ≈ 1.6733 and scale ≈ 1.0507 (Klambauer et al.; Keras's constants).</summary>
    public static void Selu<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Elu(values, 1.6732632423543772848170429916717);
        TensorPrimitives.Multiply<T>(values, T.CreateChecked(1.0507009873554804934193349852946), values);
    }

    /// <summary>log(1 + e^x), computed as max(x, 0) + log1p(e^−|x|) so large |x| neither overflows nor loses digits.</summary>
    public static void Softplus<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x)));
        }
    }

    /// <summary>x / (1 + |x|).</summary>
    public static void Softsign<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] /= T.One + T.Abs(values[i]);
    }

    /// <summary>Swish / SiLU: x · sigmoid(x).</summary>
    public static void Swish<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] sigmoid = values.ToArray();
        NumericsOps<T>.SigmoidSpan(sigmoid, sigmoid);
        TensorPrimitives.Multiply<T>(values, sigmoid, values);
    }

    /// <summary>Softmax over consecutive rows of <paramref name="rowLength"/> (the last axis): e^(x − max) / Σ e^(x − max).</summary>
    public static void Softmax<T>(Span<T> values, int rowLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Positive(rowLength, nameof(rowLength));
        if (values.Length % rowLength != 0)
            throw new ArgumentException($"Argument `values` must hold whole rows of {rowLength}. Received: {values.Length} values", nameof(values));
        for (int start = 0; start < values.Length; start += rowLength)
        {
            Span<T> row = values.Slice(start, rowLength);
            T max = TensorPrimitives.Max<T>(row);
            TensorPrimitives.Subtract(row, max, row);
            DoubleExp.Span<T>(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum<T>(row), row);
        }
    }
}
