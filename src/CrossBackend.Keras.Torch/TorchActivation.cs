using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Keras.Torch;

/// <summary>Keras activations on TorchSharp tensors.</summary>
internal static class TorchActivation
{
    /// <summary>Applies <paramref name="a"/>; softmax runs over <paramref name="featureDim"/> (the Keras last axis:
    /// 1 for a channels-first tensor of rank ≥ 3, −1 otherwise).</summary>
    public static Tensor Apply(Tensor x, KerasActivation a, long featureDim) => a.Kind switch
    {
        KerasActivationKind.Linear => x,
        KerasActivationKind.Relu => Relu(x, a),
        KerasActivationKind.Sigmoid => x.sigmoid(),
        KerasActivationKind.Tanh => x.tanh(),
        KerasActivationKind.Softmax => F.softmax(x, featureDim),
        KerasActivationKind.Elu => Elu(x, a.Alpha),
        KerasActivationKind.Selu => F.selu(x, false),
        // PyTorch's softplus returns x beyond threshold 20, where log1p(e^x) − x < 2.1e-9: below float32 resolution.
        KerasActivationKind.Softplus => KeptScalarSoftplus.Apply(x, 1, 20),
        KerasActivationKind.Softsign => Softsign(x),
        KerasActivationKind.Swish => F.silu(x, false),
        KerasActivationKind.Exponential => x.exp(),
        _ => throw new NotSupportedException($"activation {a} has no TorchSharp implementation"),
    };

    // Numbers reach libtorch as Scalars held by a `using` (or HeldScalars' constants): TorchSharp's double overloads
    // (F.elu, F.leaky_relu, x - 0.5, F.softsign's 1 + |x|) make Scalars nothing keeps alive during the native call.

    /// <summary>TorchSharp's <c>F.elu(x, α)</c>: α·(eˣ − 1) below 0, scales 1.</summary>
    private static Tensor Elu(Tensor x, double alpha)
    {
        using Scalar a = alpha.ToScalar();
        return x.elu(a, HeldScalars.OneDouble, HeldScalars.OneDouble);
    }

    /// <summary>TorchSharp's <c>F.softsign</c>: x / (|x| + 1).</summary>
    private static Tensor Softsign(Tensor x)
    {
        using Tensor denominator = x.abs().add_(HeldScalars.One, alpha: HeldScalars.One);
        return x.div(denominator);
    }

    /// <summary>Keras's general ReLU: x ≥ max → max; x ≥ threshold → x; else slope·(x − threshold).</summary>
    private static Tensor Relu(Tensor x, KerasActivation a)
    {
        if (a.Threshold == 0 && a.MaxValue is null && a.Alpha == 0) return F.relu(x, false);   // the common case: no Scalar
        using Scalar slope = a.Alpha.ToScalar();
        if (a.Threshold == 0 && a.MaxValue is null) return x.leaky_relu(slope);
        using Scalar? max = a.MaxValue?.ToScalar();
        if (a.Threshold == 0 && a.Alpha == 0) return x.clamp(HeldScalars.Zero, max!);
        using Scalar threshold = a.Threshold.ToScalar();
        using Tensor below = x.sub(threshold).mul_(slope);
        using Tensor above = x.ge(threshold);
        Tensor y = where(above, x, below);
        if (max is null) return y;
        using (y)
        {
            using Tensor capped = x.ge(max);
            using Tensor maxes = full_like(x, max);
            return where(capped, maxes, y);
        }
    }
}
