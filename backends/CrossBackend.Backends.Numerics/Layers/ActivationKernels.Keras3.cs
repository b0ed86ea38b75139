using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>The activations Keras 3 added or redefined (gelu, mish, hard_sigmoid, hard_silu, log_softmax), and Keras 2's
/// hard_sigmoid, each in the operation order of Keras's TensorFlow backend.</summary>
internal static partial class ActivationKernels
{
    private const double InverseSqrt2 = 0.70710678118654752440084436210485;

    /// <summary>The exact GELU, x · (1 + erf(x / √2)) / 2, computed in float64 and rounded once: what the name "gelu"
    /// means (<c>keras.activations.gelu(x, approximate=False)</c>).</summary>
    public static void Gelu<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            double x = double.CreateChecked(values[i]);
            values[i] = T.CreateChecked(x * (1 + Erf.Of(x * InverseSqrt2)) / 2);
        }
    }

    /// <summary>Mish: x · tanh(softplus(x)) (Keras 3's <c>Mish.static_call</c>), softplus as <see cref="Softplus"/>.</summary>
    public static void Mish<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = x * T.Tanh(T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x))));
        }
    }

    /// <summary>Keras 3's hard sigmoid, clip(x / 6 + 0.5, 0, 1) (TensorFlow backend: divide, add, clip_by_value).</summary>
    public static void HardSigmoid<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T six = T.CreateChecked(6), half = T.CreateChecked(0.5);
        for (int i = 0; i < values.Length; i++) values[i] = T.Clamp(values[i] / six + half, T.Zero, T.One);
    }

    /// <summary>Keras 2's (tf.keras) hard sigmoid, clip(0.2·x + 0.5, 0, 1) with 0.2 in the tensor's dtype, as
    /// <c>tf.keras.backend.hard_sigmoid</c> multiplies, adds and clips.</summary>
    public static void HardSigmoidKeras2<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T fifth = T.CreateChecked(0.2), half = T.CreateChecked(0.5);
        for (int i = 0; i < values.Length; i++) values[i] = T.Clamp(values[i] * fifth + half, T.Zero, T.One);
    }

    /// <summary>Keras 3's hard SiLU / hard swish: x · hard_sigmoid(x).</summary>
    public static void HardSilu<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T six = T.CreateChecked(6), half = T.CreateChecked(0.5);
        for (int i = 0; i < values.Length; i++) values[i] *= T.Clamp(values[i] / six + half, T.Zero, T.One);
    }

    /// <summary>log_softmax over consecutive rows of <paramref name="rowLength"/> (the last axis):
    /// (x − max) − log Σ e^(x − max), so large logits neither overflow nor lose the small ones.</summary>
    public static void LogSoftmax<T>(Span<T> values, int rowLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerChecks.Positive(rowLength, nameof(rowLength));
        if (values.Length % rowLength != 0)
            throw new ArgumentException($"Argument `values` must hold whole rows of {rowLength}. Received: {values.Length} values", nameof(values));
        var exps = new T[rowLength];
        for (int start = 0; start < values.Length; start += rowLength)
        {
            Span<T> row = values.Slice(start, rowLength);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max<T>(row), row);
            DoubleExp.Span<T>(row, exps);
            TensorPrimitives.Subtract(row, T.Log(TensorPrimitives.Sum<T>(exps)), row);
        }
    }
}
