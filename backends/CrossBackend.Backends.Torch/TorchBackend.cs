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
    public override Tensor ArgMax(Tensor tensor, int axis) => tensor.argmax(axis);

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
