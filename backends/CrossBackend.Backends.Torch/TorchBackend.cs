using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The TorchSharp kernels. Every public call runs inside its own dispose scope: temporaries are disposed there and
/// the result is moved to the caller's <see cref="DisposeScope"/> (or left unowned when the caller has none).
/// Results stay on the autograd graph, so <c>loss.backward()</c> reaches <c>y_pred</c>.
/// </summary>
public sealed class TorchBackend : TensorBackend<Tensor>
{
    internal const string EngineName = "torch";

    /// <summary>The single instance (the backend holds no state).</summary>
    public static TorchBackend Instance { get; } = new();

    static TorchBackend() => NativeLoadFix.Apply();

    private TorchBackend() { }

    /// <inheritdoc/>
    public override string Name => EngineName;

    /// <inheritdoc/>
    public override int ClassAxis => 1;

    /// <inheritdoc/>
    protected override Tensor Execute(Func<Tensor> body)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        return body().MoveToOuterDisposeScope();
    }

    /// <summary>float16 and bfloat16 predictions are computed in float32 and the result is returned in their dtype.</summary>
    public override object Invoke(ILossProgram program, object yPred, object yTrue)
    {
        Tensor pred = (Tensor)yPred;
        if (pred.dtype is not (ScalarType.Float16 or ScalarType.BFloat16)) return base.Invoke(program, yPred, yTrue);
        ScalarType narrow = pred.dtype;
        return Execute(() =>
        {
            Tensor target = Adopt(yTrue, "y_true");
            if (target.dtype is ScalarType.Float16 or ScalarType.BFloat16) target = target.to_type(ScalarType.Float32);
            return program.Run(this, pred.to_type(ScalarType.Float32), target).to_type(narrow);
        });
    }

    /// <inheritdoc/>
    public override TensorInfo Describe(Tensor tensor) => new(tensor.shape, ToDType(tensor.dtype), tensor.device.ToString());

    /// <inheritdoc/>
    public override Tensor Adopt(object tensor, string argumentName) =>
        tensor as Tensor ?? throw new ArgumentException(
            $"Argument `{argumentName}` must be a torch.Tensor. Received: a {tensor.GetType().Name}", argumentName);

    /// <inheritdoc/>
    public override Tensor CategoricalCrossentropy(Tensor target, Tensor output, bool fromLogits, int axis)
    {
        // Keras casts y_true to y_pred's dtype: without this, torch's type promotion would make float32 predictions
        // with float64 (or float32 with float16) labels return a float64 (float32) loss. The numerics engine's
        // Adopt already converts labels to the prediction type.
        if (target.dtype != output.dtype) target = target.to_type(output.dtype);
        Tensor logProb;
        if (fromLogits)
        {
            logProb = output.log_softmax(axis);
        }
        else
        {
            // Keras's policy: renormalise, then clip with bounds in the input's dtype (libtorch casts the scalars).
            Tensor normalised = output / output.sum(axis, keepdim: true);
            logProb = normalised.clamp(Epsilon, 1.0 - Epsilon).log();
        }
        return (target * logProb).sum(axis).neg();
    }

    /// <inheritdoc/>
    public override Tensor SparseCategoricalCrossentropy(Tensor labels, Tensor output, bool fromLogits, int axis)
    {
        Tensor index = labels.to_type(ScalarType.Int64).unsqueeze(axis);
        if (fromLogits) return output.log_softmax(axis).gather(axis, index).squeeze(axis).neg();
        Tensor picked = output.gather(axis, index).squeeze(axis) / output.sum(axis);
        return picked.clamp(Epsilon, 1.0 - Epsilon).log().neg();
    }

    /// <inheritdoc/>
    public override Tensor BinaryCrossentropy(Tensor target, Tensor output, bool fromLogits)
    {
        if (fromLogits)
            return output.clamp_min(0) - output * target + output.abs().neg().exp().log1p();
        Tensor p = output.clamp(Epsilon, 1.0 - Epsilon);
        return (target * p.log() + (1 - target) * (1 - p).log()).neg();
    }

    /// <inheritdoc/>
    public override Tensor ArgMax(Tensor tensor, int axis) => tensor.argmax(axis);

    /// <inheritdoc/>
    public override Tensor Affine(Tensor tensor, double scale, double shift)
    {
        Tensor floating = tensor.is_floating_point() ? tensor : tensor.to_type(ScalarType.Float32);
        return floating * scale + shift;
    }

    /// <inheritdoc/>
    public override Tensor MeanAlong(Tensor tensor, int axis) => tensor.mean([axis]);

    /// <inheritdoc/>
    public override Tensor Sum(Tensor tensor) => tensor.sum();

    /// <inheritdoc/>
    public override Tensor DivideNoNan(Tensor numerator, Tensor denominator) =>
        torch.where(denominator == 0, torch.zeros_like(numerator), numerator / denominator);

    /// <inheritdoc/>
    public override Tensor ExpandTo(Tensor weights, long[] shape, Tensor dtypeOf)
    {
        Tensor w = weights.to_type(dtypeOf.dtype);
        if (w.numel() == 1) return w.reshape([]).expand(shape);
        long[] padded = [.. w.shape, .. Enumerable.Repeat(1L, shape.Length - (int)w.dim())];
        return w.reshape(padded).expand(shape);
    }

    /// <inheritdoc/>
    public override Tensor Squeeze(Tensor tensor, int axis) => tensor.squeeze(axis);

    /// <inheritdoc/>
    public override Tensor OneHot(Tensor labels, int classes, int axis, Tensor dtypeOf) =>
        torch.nn.functional.one_hot(labels.to_type(ScalarType.Int64), classes).to_type(dtypeOf.dtype).movedim([-1], [axis]);

    /// <inheritdoc/>
    public override Tensor NotEqual(Tensor tensor, double value, Tensor dtypeOf) => tensor.ne(value).to_type(dtypeOf.dtype);

    /// <inheritdoc/>
    public override double[] ReadValues(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    /// <inheritdoc/>
    public override Tensor Gather(double[] table, Tensor indices, Tensor dtypeOf) =>
        torch.tensor(table, dtype: dtypeOf.dtype, device: dtypeOf.device).take(indices.to_type(ScalarType.Int64));

    /// <inheritdoc/>
    public override Tensor Multiply(Tensor a, Tensor b) => a * b;

    /// <inheritdoc/>
    public override Tensor Mean(Tensor tensor) => tensor.mean();

    private const double Epsilon = 1e-7;

    internal static DType ToDType(ScalarType type) => type switch
    {
        ScalarType.Bool => DType.Bool,
        ScalarType.Byte => DType.UInt8,
        ScalarType.Int8 => DType.Int8,
        ScalarType.Int16 => DType.Int16,
        ScalarType.Int32 => DType.Int32,
        ScalarType.Int64 => DType.Int64,
        ScalarType.Float16 => DType.Float16,
        ScalarType.BFloat16 => DType.BFloat16,
        ScalarType.Float32 => DType.Float32,
        ScalarType.Float64 => DType.Float64,
        _ => DType.Other,
    };
}
