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
    public override TensorInfo Describe(Tensor tensor) => new(Shape(tensor), ToDType(tensor.dtype), tensor.device.ToString());

    /// <summary>The sizes, one cheap native call per dimension (<c>Tensor.shape</c> marshals through an allocator
    /// callback and costs about ten times as much, which the per-call dispatch budget of 1 µs cannot afford).</summary>
    private static long[] Shape(Tensor tensor)
    {
        var shape = new long[tensor.ndim];
        for (int d = 0; d < shape.Length; d++) shape[d] = tensor.size(d);
        return shape;
    }

    /// <inheritdoc/>
    public override Tensor Adopt(object tensor, string argumentName) =>
        tensor as Tensor ?? throw new ArgumentException(
            $"Argument `{argumentName}` must be a torch.Tensor. Received: a {tensor.GetType().Name}", argumentName);

    /// <inheritdoc/>
    /// <remarks>
    /// <para>The formulation is chosen for speed on libtorch's CPU kernels (see benchmarks/README.md): every B×C
    /// temporary costs a fresh allocation (page faults once it exceeds glibc's trim threshold), so temporaries are
    /// updated in place wherever autograd does not need them:</para>
    /// <list type="bullet">
    /// <item>no gradient needed (grad mode off, or neither input requires grad): one B×C temporary, every later step
    /// in place (<c>div → clamp_ → log_ → mul_</c>, or <c>log_softmax → mul_</c>);</item>
    /// <item>gradient needed: the tensors autograd saves (clamp's and log's inputs, log_softmax's output) are left
    /// untouched; only <c>log</c>'s output (log's backward uses its input) is multiplied in place, and only when
    /// y_true does not require grad.</item>
    /// </list>
    /// <para>The maths is the same in every branch: divide by the row sum, clamp to [ε, 1 − ε] in the dtype, log; or
    /// log_softmax; then −Σ y·log p over <paramref name="axis"/>. <c>cross_entropy</c> with probability targets is
    /// not used: it is slower than log_softmax·y (it reaches the same maths through more kernels).</para>
    /// </remarks>
    public override Tensor CategoricalCrossentropy(Tensor target, Tensor output, bool fromLogits, int axis)
    {
        // Keras casts y_true to y_pred's dtype: without this, torch's type promotion would make float32 predictions
        // with float64 labels return a float64 loss. Integer labels need no cast: they promote to the prediction's
        // dtype in the product. After this, every in-place multiply below keeps the log-probabilities' dtype.
        if (target.is_floating_point() && target.dtype != output.dtype) target = target.to_type(output.dtype);
        bool grad = torch.is_grad_enabled() && (output.requires_grad || target.requires_grad);
        Tensor weighted;
        if (fromLogits)
        {
            // Small tensors: one native call does the whole row reduction (cross_entropy with probability targets and
            // reduction 'none' is −Σ y·log_softmax(x) over dim 1), so the per-op managed overhead is paid once. Only for
            // labels of the prediction's dtype: integer labels would be read as class indices.
            if (axis == 1 && target.dtype == output.dtype && output.numel() <= SmallLogitsElements)
                return nn.functional.cross_entropy(output, target, reduction: nn.Reduction.None);
            Tensor logProb = output.log_softmax(axis);
            // log_softmax's backward uses its output: with autograd on, multiply out of place.
            weighted = grad ? target * logProb : logProb.mul_(target);
        }
        else
        {
            // Keras's policy: renormalise, then clip with bounds in the input's dtype (libtorch casts the scalars).
            Tensor normalised = output / output.sum(axis, keepdim: true);
            if (!grad)
            {
                Tensor logProb = normalised.clamp_(Epsilon, 1.0 - Epsilon).log_();
                weighted = logProb.mul_(target);
            }
            else
            {
                // clamp saves its input and log saves its input; log's own output is free to reuse.
                Tensor logProb = normalised.clamp(Epsilon, 1.0 - Epsilon).log();
                weighted = target.requires_grad ? target * logProb : logProb.mul_(target);
            }
        }
        // sum's backward needs no values, so its output may be negated in place.
        return weighted.sum(axis).neg_();
    }

    /// <inheritdoc/>
    /// <remarks>Small logits with labels of the prediction's dtype: <c>cross_entropy</c> with probability targets and
    /// mean reduction is the whole computation in one native call, as the best hand-written code does it. It averages
    /// over every element outside dim 1, as <see cref="Reduction.SumOverBatchSize"/> does.</remarks>
    public override Tensor MeanCategoricalCrossentropy(Tensor target, Tensor output, bool fromLogits, int axis) =>
        fromLogits && axis == 1 && target.dtype == output.dtype && output.numel() <= SmallLogitsElements
            ? nn.functional.cross_entropy(output, target, reduction: nn.Reduction.Mean)
            : base.MeanCategoricalCrossentropy(target, output, fromLogits, axis);

    /// <inheritdoc/>
    /// <remarks>Logits on axis 1 go through libtorch's index-target kernel (<c>cross_entropy(x, index)</c>, exactly
    /// −log_softmax[label]), the fastest formulation there is.</remarks>
    public override Tensor SparseCategoricalCrossentropy(Tensor labels, Tensor output, bool fromLogits, int axis)
    {
        if (fromLogits && axis == 1) return nn.functional.cross_entropy(output, Indices(labels), reduction: nn.Reduction.None);
        Tensor index = Indices(labels).unsqueeze(axis);
        if (fromLogits) return output.log_softmax(axis).gather(axis, index).squeeze(axis).neg();
        Tensor picked = output.gather(axis, index).squeeze(axis) / output.sum(axis);
        return picked.clamp(Epsilon, 1.0 - Epsilon).log().neg();
    }

    /// <inheritdoc/>
    public override Tensor MeanSparseCategoricalCrossentropy(Tensor labels, Tensor output, bool fromLogits, int axis) =>
        fromLogits && axis == 1
            ? nn.functional.cross_entropy(output, Indices(labels), reduction: nn.Reduction.Mean)
            : base.MeanSparseCategoricalCrossentropy(labels, output, fromLogits, axis);

    private static Tensor Indices(Tensor labels) => labels.dtype == ScalarType.Int64 ? labels : labels.to_type(ScalarType.Int64);

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
        Tensor scaled = scale == 1 ? floating : floating * scale;
        return shift == 0 ? scaled : scaled + shift;
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
        torch.nn.functional.one_hot(Indices(labels), classes).to_type(dtypeOf.dtype).movedim([-1], [axis]);

    /// <inheritdoc/>
    public override Tensor NotEqual(Tensor tensor, double value, Tensor dtypeOf) => tensor.ne(value).to_type(dtypeOf.dtype);

    /// <inheritdoc/>
    public override bool LabelsValid(Tensor labels, long classes, int? ignoreClass)
    {
        using var scope = torch.NewDisposeScope();
        if (labels.numel() == 0) return true;
        Tensor checkedLabels = ignoreClass is { } ignored ? torch.where(labels == ignored, torch.zeros_like(labels), labels) : labels;
        if (checkedLabels.is_floating_point() && !checkedLabels.eq(checkedLabels.floor()).all().item<bool>()) return false;   // NaN fails too
        return checkedLabels.min().ToDouble() >= 0 && checkedLabels.max().ToDouble() < classes;
    }

    /// <inheritdoc/>
    public override double[] ReadValues(Tensor tensor)
    {
        if (tensor.numel() == 0) return [];   // TorchSharp's TensorAccessor.ToArray throws on empty tensors of rank >= 2
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    /// <inheritdoc/>
    public override Tensor Gather(double[] table, Tensor indices, Tensor dtypeOf) =>
        torch.tensor(table, dtype: dtypeOf.dtype, device: dtypeOf.device).take(Indices(indices));

    /// <inheritdoc/>
    public override Tensor Multiply(Tensor a, Tensor b) => a * b;

    /// <inheritdoc/>
    public override Tensor Mean(Tensor tensor) => tensor.mean();

    private const double Epsilon = 1e-7;

    /// <summary>Up to this many elements the single-call <c>cross_entropy</c> beats log_softmax·y (measured: 0.7× at
    /// (32, 10)); above it the in-place formulation wins (cross_entropy is 1.6× slower at (65536, 100)).</summary>
    private const long SmallLogitsElements = 1 << 15;

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
