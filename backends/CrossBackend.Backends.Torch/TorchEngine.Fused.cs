using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// libtorch's fused crossentropy paths and its autograd. The composed general-op path defines the numbers; these give
/// the same ones faster (the fused-vs-composed tests hold them to it).
/// </summary>
public sealed partial class TorchEngine
{
    /// <summary>Keras's ε (<c>backend.epsilon()</c>), the probability clip.</summary>
    internal const double Epsilon = KerasEpsilon.Value;

    /// <summary>Up to this many elements the single-call <c>cross_entropy</c> beats log_softmax·y (measured: 0.7× at
    /// (32, 10)); above it the in-place formulation wins (cross_entropy is 1.6× slower at (65536, 100)).</summary>
    private const long SmallLogitsElements = 1 << 15;

    /// <inheritdoc/>
    /// <remarks>
    /// <para>Without a gradient, a dense CPU float tensor of any size is computed by the channels-last engine's kernel
    /// over the tensors' own memory (<see cref="CategoricalCrossentropyKernel{T}"/>: one pass over y_true and y_pred, the
    /// class-weight arg-max in the same pass; no native tensor but the result). libtorch needs a B×C temporary and
    /// three passes, and for class weights a strided arg-max over the labels, a gather and a product more.</para>
    /// <para>Otherwise (a gradient, another device, a strided view) libtorch's steps. Every B×C
    /// temporary costs a fresh allocation (page faults once it exceeds glibc's trim threshold), so temporaries are
    /// updated in place wherever autograd does not need them: without a gradient one B×C temporary, every later step
    /// in place (<c>div → clamp_ → log_</c>, or <c>log_softmax</c>); with a gradient the tensors autograd saves are
    /// left untouched. Class weights there are declined (the core composes <c>take(argmax)</c>, as hand-written code
    /// does).</para>
    /// </remarks>
    public Tensor? CategoricalCrossentropy(Tensor target, Tensor output, bool fromLogits, int axis, double[]? classWeights)
    {
        if (target.dtype != output.dtype) return null;
        bool grad = NeedsGradient(target, output);
        if (!grad && HostCrossentropyServes(target, output)) return HostCrossentropy(target, output, fromLogits, axis, classWeights, mean: false);
        if (classWeights is not null) return null;
        Tensor weighted;
        if (fromLogits)
        {
            // Small tensors: one native call does the whole row reduction (cross_entropy with probability targets and
            // reduction 'none' is −Σ y·log_softmax(x) over dim 1).
            if (axis == 1 && output.numel() <= SmallLogitsElements)
                return nn.functional.cross_entropy(output, target, reduction: nn.Reduction.None);
            Tensor logProb = output.log_softmax(axis);
            weighted = grad ? target * logProb : logProb.mul_(target);
        }
        else
        {
            Tensor normalised = output / output.sum(axis, keepdim: true);
            if (!grad) weighted = normalised.clamp_(HeldScalars.Epsilon, HeldScalars.OneMinusEpsilon).log_().mul_(target);
            else
            {
                // clamp saves its input and log saves its input; log's own output is free to reuse.
                Tensor logProb = normalised.clamp(HeldScalars.Epsilon, HeldScalars.OneMinusEpsilon).log();
                weighted = target.requires_grad ? target * logProb : logProb.mul_(target);
            }
        }
        // sum's backward needs no values, so its output may be negated in place.
        return weighted.sum(axis).neg_();
    }

    /// <summary>Whether autograd records a call on these tensors.</summary>
    private static bool NeedsGradient(Tensor target, Tensor output) =>
        torch.is_grad_enabled() && (output.requires_grad || target.requires_grad);

    /// <summary>Whether <see cref="HostCrossentropy"/> can read both tensors' memory: dense, on the CPU, float32 or
    /// float64, one shape, 1 to 2^31 − 1 elements.</summary>
    /// <remarks>Small tensors too, for the numbers: the kernel's float32 log is the nearest float, libtorch's vectorised
    /// log is not always (−log(0.9f) is 0.10536054 from libtorch on an AVX-512 EPYC, 0.10536055 nearest — FastEstimator's
    /// published value), so without this the two engines printed different last digits for FastEstimator's own 3×3
    /// example. It is not slower there (medians of 15, scratch console, 2 threads, with the int64 → float32 label cast:
    /// (3, 3) mean 12.1 → 10.5 µs, per row 8.4 → 10.8 µs; (32, 10) 16.1 → 11.5 and 20.3 → 11.4 µs; (256, 10) 22.6 →
    /// 11.4 and 26.6 → 11.7 µs).</remarks>
    private static bool HostCrossentropyServes(Tensor target, Tensor output) =>
        output.numel() is > 0 and <= int.MaxValue
        && output.device_type == DeviceType.CPU && target.device_type == DeviceType.CPU
        && output.is_contiguous() && target.is_contiguous()
        && output.dtype is ScalarType.Float32 or ScalarType.Float64
        && SameShape(output, target);

    /// <summary>The loss per row along <paramref name="axis"/> (or, with <paramref name="mean"/>, their mean as a 0-d
    /// tensor) by <see cref="CategoricalCrossentropyKernel{T}"/> over both tensors' memory; one native tensor, the
    /// result. Null for class weights of another length (the core's check reports them).</summary>
    /// <remarks>The mean is taken here, over a pooled buffer, not by libtorch's <c>mean()</c>: above 32K rows that call
    /// is an OpenMP parallel region whose workers then spin on the second core while the next call's managed workers
    /// need it (BenchmarkDotNet, (65536, 100): 6.7 ms with <c>mean()</c> against 2.0 ms for the channels-last engine
    /// running the same kernel).</remarks>
    private static Tensor? HostCrossentropy(Tensor target, Tensor output, bool fromLogits, int axis, double[]? classWeights, bool mean)
    {
        long[] shape = Shape(output);
        int dim = axis < 0 ? axis + shape.Length : axis;
        var layout = RowLayout.Around(shape, dim);
        if (classWeights is not null && classWeights.Length != layout.Classes) return null;   // the core's check names it
        return output.dtype == ScalarType.Float32
            ? RunCrossentropy(target, output, layout, fromLogits, classWeights?.Select(w => (float)w).ToArray(), mean, shape, dim)
            : RunCrossentropy(target, output, layout, fromLogits, classWeights, mean, shape, dim);
    }

    private static unsafe Tensor RunCrossentropy<T>(Tensor target, Tensor output, RowLayout layout, bool fromLogits, T[]? weights, bool mean, long[] shape, int dim)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // `bytes` is a view of the (contiguous, CPU) data from the storage offset on: no native tensor, no copy.
        Tensor result;
        fixed (byte* x = output.bytes, y = target.bytes)
        {
            nint xp = (nint)x, yp = (nint)y;
            result = PerRowOrMean<T>(Shapes.Without(shape, dim), layout.Rows, output.dtype, mean, losses =>
            {
                fixed (T* r = losses) CategoricalCrossentropyKernel<T>.Run((T*)yp, (T*)xp, r, layout, fromLogits, weights);
            });
        }
        // The kernel reads their memory after their last managed use: their finalizer must not free it meanwhile.
        GC.KeepAlive(output);
        GC.KeepAlive(target);
        return result;
    }

    /// <summary>A kernel that writes one loss per row into <paramref name="losses"/>.</summary>
    private delegate void RowLosses<T>(Span<T> losses);

    /// <summary>The per-row losses <paramref name="kernel"/> writes, as a fresh tensor of <paramref name="perRowShape"/>
    /// (written straight into its memory), or with <paramref name="mean"/> their mean as a 0-d tensor, the rows then in
    /// a pooled buffer and averaged managed (<see cref="RowLossMean"/>, as the channels-last engine averages them):
    /// one native tensor either way.</summary>
    private static unsafe Tensor PerRowOrMean<T>(long[] perRowShape, int rows, ScalarType dtype, bool mean, RowLosses<T> kernel)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!mean)
        {
            Tensor result = torch.empty(perRowShape, dtype);
            fixed (byte* r = result.bytes) kernel(new Span<T>(r, rows));
            return result;
        }
        T[] pooled = System.Buffers.ArrayPool<T>.Shared.Rent(rows);
        try
        {
            kernel(pooled.AsSpan(0, rows));
            T value = RowLossMean.Of<T>(pooled.AsSpan(0, rows));
            return typeof(T) == typeof(float) ? torch.tensor(float.CreateTruncating(value)) : torch.tensor(double.CreateTruncating(value));
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(pooled);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Dense CPU tensors without autograd: the kernel of <see cref="CategoricalCrossentropy"/> and the mean
    /// of its per-row losses, one native tensor. Otherwise small unweighted logits on axis 1: <c>cross_entropy</c> with
    /// probability targets and mean reduction is the whole computation in one native call; it averages over every
    /// element outside dim 1.</remarks>
    public Tensor? MeanCategoricalCrossentropy(Tensor target, Tensor output, bool fromLogits, int axis, double[]? classWeights)
    {
        if (target.dtype == output.dtype && !NeedsGradient(target, output) && HostCrossentropyServes(target, output))
            return HostCrossentropy(target, output, fromLogits, axis, classWeights, mean: true);
        if (classWeights is null && fromLogits && axis == 1 && target.dtype == output.dtype && output.numel() <= SmallLogitsElements)
            return nn.functional.cross_entropy(output, target, reduction: nn.Reduction.Mean);
        return CategoricalCrossentropy(target, output, fromLogits, axis, classWeights)?.mean();
    }

    /// <inheritdoc/>
    /// <remarks>Logits on axis 1 go through libtorch's index-target kernel (exactly −log_softmax[label]).</remarks>
    public Tensor? SparseCategoricalCrossentropy(Tensor labels, Tensor output, bool fromLogits, int axis) =>
        fromLogits && axis == 1 ? nn.functional.cross_entropy(output, Indices(labels), reduction: nn.Reduction.None) : null;

    /// <inheritdoc/>
    public Tensor? MeanSparseCategoricalCrossentropy(Tensor labels, Tensor output, bool fromLogits, int axis) =>
        fromLogits && axis == 1 ? nn.functional.cross_entropy(output, Indices(labels), reduction: nn.Reduction.Mean) : null;

    /// <inheritdoc/>
    public Tensor[] Gradients(Func<Tensor[], Tensor> function, Tensor[] sources)
    {
        using var enabled = torch.enable_grad();
        Tensor[] leaves = sources.Select(s => s.detach().requires_grad_(true)).ToArray();
        Tensor total = function(leaves).sum();
        // A result that does not depend on the sources (e.g. a thresholded score) has no graph: its gradient is 0.
        if (!total.requires_grad) return leaves.Select(leaf => torch.zeros_like(leaf)).ToArray();
        IList<Tensor> grads = torch.autograd.grad([total], leaves, allow_unused: true);
        return leaves.Select((leaf, i) => grads[i] is { } g && !g.IsInvalid ? g : torch.zeros_like(leaf)).ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>This and <see cref="GradientsOf"/> and <see cref="StopGradient"/> run outside any dispose scope
    /// (<see cref="GradientTape"/> calls them directly), so each keeps its tensors reachable until its last native call
    /// has returned: TorchSharp's own calls do not (see TensorProgram.Run), and a tape's target or a stopped tensor is
    /// often a temporary (<c>tape.Gradient(Backend.Sum(loss), w)</c>, <c>StopGradient(Backend.Subtract(w, step))</c>).</remarks>
    public void Watch(Tensor source)
    {
        if (!source.requires_grad) source.requires_grad_(true);
        GC.KeepAlive(source);
    }

    /// <inheritdoc/>
    /// <remarks>A source that does not require grad (never watched, nor computed from a watched tensor) gets zeros, as
    /// on the tape: libtorch's <c>autograd.grad</c> throws a c10::Error for it, which TorchSharp cannot turn into a .NET
    /// exception (the process aborted), so only the sources that require grad are passed to it.</remarks>
    public Tensor[] GradientsOf(Tensor target, Tensor[] sources)
    {
        using var enabled = torch.enable_grad();
        Tensor total = target.sum();
        var gradients = new Tensor[sources.Length];
        int[] tracked = Enumerable.Range(0, sources.Length).Where(i => sources[i].requires_grad).ToArray();
        if (total.requires_grad && tracked.Length > 0)
        {
            IList<Tensor> grads = torch.autograd.grad([total], tracked.Select(i => sources[i]).ToArray(), allow_unused: true);
            for (int k = 0; k < tracked.Length; k++)
                if (grads[k] is { } g && !g.IsInvalid) gradients[tracked[k]] = g;
        }
        for (int i = 0; i < sources.Length; i++) gradients[i] ??= torch.zeros_like(sources[i]);
        // Not in a dispose scope (see Watch): `total` is a temporary held by nothing else while autograd.grad runs on it,
        // and the caller's target and sources may be temporaries too.
        GC.KeepAlive(target);
        GC.KeepAlive(total);
        GC.KeepAlive(sources);
        return gradients;
    }

    /// <inheritdoc/>
    /// <remarks>Keeps <paramref name="x"/> reachable through <c>detach</c> (see <see cref="Watch"/>).</remarks>
    public Tensor StopGradient(Tensor x)
    {
        Tensor detached = x.detach();
        GC.KeepAlive(x);
        return detached;
    }
}
