using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CrossBackend.Keras.Torch;

/// <summary>Keras activations on TorchSharp tensors.</summary>
internal static partial class TorchActivation
{
    // The hard sigmoids' constants, held for the process like HeldScalars' (a Scalar must outlive the native call).
    private static readonly Scalar Six = 6.0.ToScalar(), OneFifth = 0.2.ToScalar(), Half = 0.5.ToScalar();

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
        KerasActivationKind.Gelu => F.gelu(x),   // PyTorch's default is the exact (erf) form, as Keras's "gelu"
        KerasActivationKind.Mish => Mish(x),
        KerasActivationKind.HardSigmoid => HardSigmoid(x, Six, divide: true),
        KerasActivationKind.HardSigmoidKeras2 => HardSigmoid(x, OneFifth, divide: false),
        KerasActivationKind.HardSilu => HardSilu(x),
        KerasActivationKind.LogSoftmax => F.log_softmax(x, featureDim),
        KerasActivationKind.Celu => Celu(x, a.Alpha),
        KerasActivationKind.Squareplus => Squareplus(x),
        KerasActivationKind.SoftShrink => SoftShrink(x),
        KerasActivationKind.SparsePlus => SparsePlus(x),
        KerasActivationKind.TanhShrink => TanhShrink(x),
        KerasActivationKind.SparseSigmoid => SparseSigmoid(x),
        KerasActivationKind.HardTanh => x.clamp(HeldScalars.MinusOne, HeldScalars.One),
        KerasActivationKind.HardShrink => HardShrink(x),
        KerasActivationKind.LogSigmoid => F.logsigmoid(x),   // min(x, 0) − log1p(e^−|x|), TensorFlow's −softplus(−x)
        KerasActivationKind.Glu => F.glu(x, featureDim),     // first half · sigmoid(second half), TensorFlow's x1 * sigmoid(x2)
        KerasActivationKind.SparsemaxKeras3 => SparsemaxKeras3(x, featureDim),
        _ => throw new NotSupportedException($"activation {a} has no TorchSharp implementation"),
    };

    /// <summary>A softmax over several dimensions at once, as Keras 3's <c>Softmax</c> layer computes one over a tuple of
    /// axes: exp(x − logsumexp(x, axes)), logsumexp as TensorFlow's <c>reduce_logsumexp</c> (max + log Σ e^(x − max)).</summary>
    public static Tensor SoftmaxOver(Tensor x, long[] dims)
    {
        using Tensor max = x.amax(dims, keepdim: true);
        using Tensor shifted = x.add(max, alpha: HeldScalars.MinusOne);
        using Tensor logSumExp = shifted.exp_().sum(dims, keepdim: true);
        logSumExp.log_().add_(max, alpha: HeldScalars.One);
        return x.add(logSumExp, alpha: HeldScalars.MinusOne).exp_();
    }

    // Numbers reach libtorch as Scalars held by a `using` (or HeldScalars' constants): TorchSharp's double overloads
    // (F.elu, F.leaky_relu, x - 0.5, F.softsign's 1 + |x|) make Scalars nothing keeps alive during the native call.

    /// <summary>TorchSharp's <c>F.elu(x, α)</c>: α·(eˣ − 1) below 0, scales 1.</summary>
    private static Tensor Elu(Tensor x, double alpha)
    {
        using Scalar a = alpha.ToScalar();
        return x.elu(a, HeldScalars.OneDouble, HeldScalars.OneDouble);
    }

    /// <summary>x · tanh(softplus(x)), as Keras 3's <c>Mish.static_call</c> (softplus as Keras's, see <see cref="Apply"/>).</summary>
    private static Tensor Mish(Tensor x)
    {
        using Tensor softplus = KeptScalarSoftplus.Apply(x, 1, 20);
        return x.mul(softplus.tanh_());
    }

    /// <summary>clip(x / 6 + 0.5, 0, 1) (Keras 3) or clip(0.2·x + 0.5, 0, 1) (Keras 2), in Keras's TensorFlow
    /// backend's order; PyTorch's hardsigmoid computes relu6(x + 3) / 6, which rounds differently in float32.</summary>
    private static Tensor HardSigmoid(Tensor x, Scalar factor, bool divide)
    {
        Tensor scaled = divide ? x.div(factor) : x.mul(factor);
        return scaled.add_(Half, alpha: HeldScalars.One).clamp_(HeldScalars.Zero, HeldScalars.One);
    }

    /// <summary>Keras 3's hard SiLU: x · hard_sigmoid(x) (PyTorch's hardswish is x · relu6(x + 3) / 6).</summary>
    private static Tensor HardSilu(Tensor x)
    {
        using Tensor gate = HardSigmoid(x, Six, divide: true);
        return x.mul(gate);
    }

    /// <summary>TorchSharp's <c>F.softsign</c>: x / (|x| + 1).</summary>
    private static Tensor Softsign(Tensor x)
    {
        using Tensor denominator = x.abs().add_(HeldScalars.One, alpha: HeldScalars.One);
        return x.div(denominator);
    }

    /// <summary>Keras 3's general ReLU, step by step as <c>keras.activations.relu</c> computes it (the numerics
    /// kernel's <c>ActivationKernels.Relu</c> is the same): with only a slope, leaky_relu; otherwise
    /// y = x·(x &gt; threshold) (strictly greater: 0 at x = threshold) or relu(x) when threshold is 0, then
    /// clip(y, 0, max), then y −= slope·relu(threshold − x).</summary>
    private static Tensor Relu(Tensor x, KerasActivation a)
    {
        if (a.Threshold == 0 && a.MaxValue is null && a.Alpha == 0) return F.relu(x, false);   // the common case: no Scalar
        using Scalar slope = a.Alpha.ToScalar();
        if (a.Threshold == 0 && a.MaxValue is null) return x.leaky_relu(slope);
        using Scalar? max = a.MaxValue?.ToScalar();
        if (a.Threshold == 0 && a.Alpha == 0) return x.clamp(HeldScalars.Zero, max!);
        using Scalar threshold = a.Threshold.ToScalar();
        Tensor y;
        if (a.Threshold != 0)
        {
            using Tensor above = x.gt(threshold).to_type(x.dtype);
            y = x.mul(above);
        }
        else y = F.relu(x, false);
        if (max is not null) y.clamp_(HeldScalars.Zero, max);
        if (a.Alpha != 0)
        {
            // relu(threshold − x) as relu(−(x − threshold)).
            using Tensor below = x.sub(threshold).neg_().relu_().mul_(slope);
            y.sub_(below);
        }
        return y;
    }
}
