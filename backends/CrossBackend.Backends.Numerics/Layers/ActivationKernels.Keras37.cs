using System.Numerics;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>The element-wise activations Keras 3.7 and later added (celu, squareplus, soft_shrink, sparse_plus, tanh_shrink,
/// sparse_sigmoid, hard_tanh, hard_shrink, log_sigmoid), each as Keras's TensorFlow backend writes it
/// (keras/src/backend/tensorflow/nn.py), with the defaults the name implies.</summary>
internal static partial class ActivationKernels
{
    /// <summary>max(x, 0) + α·expm1(min(x, 0) / α).</summary>
    public static void Celu<T>(Span<T> values, double alpha = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateChecked(alpha);
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = T.Max(x, T.Zero) + a * T.ExpM1(T.Min(x, T.Zero) / a);
        }
    }

    /// <summary>(x + √(x² + b)) / 2, b = 4.</summary>
    public static void Squareplus<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b = T.CreateChecked(4), two = T.CreateChecked(2);
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = (x + T.Sqrt(x * x + b)) / two;
        }
    }

    /// <summary>x − 0.5 where x &gt; 0.5, x + 0.5 where x &lt; −0.5, else 0.</summary>
    public static void SoftShrink<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T t = T.CreateChecked(0.5);
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = x > t ? x - t : x < -t ? x + t : T.Zero;
        }
    }

    /// <summary>0 where x ≤ −1, (1/4)·(x + 1)² where x &lt; 1, else x.</summary>
    public static void SparsePlus<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T quarter = T.CreateChecked(0.25);
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i], shifted = x + T.One;
            values[i] = x <= -T.One ? T.Zero : x < T.One ? quarter * (shifted * shifted) : x;
        }
    }

    /// <summary>x − tanh(x).</summary>
    public static void TanhShrink<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] -= T.Tanh(values[i]);
    }

    /// <summary>0 where x ≤ −1, 1 where x ≥ 1, else 0.5·(x + 1).</summary>
    public static void SparseSigmoid<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateChecked(0.5);
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = x <= -T.One ? T.Zero : x >= T.One ? T.One : half * (x + T.One);
        }
    }

    /// <summary>clip(x, −1, 1).</summary>
    public static void HardTanh<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++) values[i] = T.Clamp(values[i], -T.One, T.One);
    }

    /// <summary>x where |x| &gt; 0.5, else 0.</summary>
    public static void HardShrink<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T t = T.CreateChecked(0.5);
        for (int i = 0; i < values.Length; i++) values[i] = T.Abs(values[i]) > t ? values[i] : T.Zero;
    }

    /// <summary>log_sigmoid(x) = −softplus(−x) = min(x, 0) − log1p(e^−|x|): no overflow for large |x|.</summary>
    public static void LogSigmoid<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = T.Min(x, T.Zero) - T.LogP1(T.Exp(-T.Abs(x)));
        }
    }
}
