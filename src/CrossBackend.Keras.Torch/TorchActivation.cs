using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
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
        KerasActivationKind.Elu => F.elu(x, a.Alpha),
        KerasActivationKind.Selu => F.selu(x, false),
        // PyTorch's softplus returns x beyond threshold 20, where log1p(e^x) − x < 2.1e-9: below float32 resolution.
        KerasActivationKind.Softplus => KeptScalarSoftplus.Apply(x, 1, 20),
        KerasActivationKind.Softsign => F.softsign(x, false),
        KerasActivationKind.Swish => F.silu(x, false),
        KerasActivationKind.Exponential => x.exp(),
        _ => throw new NotSupportedException($"activation {a} has no TorchSharp implementation"),
    };

    /// <summary>Keras's general ReLU: x ≥ max → max; x ≥ threshold → x; else slope·(x − threshold).</summary>
    private static Tensor Relu(Tensor x, KerasActivation a)
    {
        if (a.Threshold == 0 && a.MaxValue is null) return a.Alpha == 0 ? F.relu(x, false) : F.leaky_relu(x, a.Alpha, false);
        if (a.Threshold == 0 && a.Alpha == 0) return x.clamp(0, a.MaxValue!.Value);
        Tensor below = (x - a.Threshold) * a.Alpha;
        Tensor y = where(x >= a.Threshold, x, below);
        return a.MaxValue is null ? y : where(x >= a.MaxValue.Value, full_like(x, a.MaxValue.Value), y);
    }
}
