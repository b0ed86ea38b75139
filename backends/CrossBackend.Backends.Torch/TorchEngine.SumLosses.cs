using CrossBackend;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The fused whole-tensor losses (dice, tversky, l2_regularization), sparse-label losses (sparse categorical
/// crossentropy on probabilities, categorical generalized crossentropy) and the cosine similarity kind: at most as
/// many native tensors as the benchmarks' hand-written TorchSharp code (<c>LossCatalogueCases.HandWritten</c>) for
/// the same maths, by reducing in few calls and finishing in place on the small results.
/// </summary>
/// <remarks>
/// <para>Declined (null, the core composes the loss): autograd (the chains work in place), dtypes other than float32
/// and float64, empty inputs, inputs of different shapes or dtypes.</para>
/// <para>The whole-tensor losses of dense CPU tensors are one managed pass over their memory
/// (<see cref="HostWholeTensorLoss"/>): one native tensor, the result. Otherwise (another device, a strided view):
/// Σ y·p is the row dot products along a short last axis, then summed: the composed path's maths in two native
/// tensors (<c>torch.dot</c> of the flattened tensors is one call but accumulates millions
/// of float32 products in a few float32 lanes: relative error 7e-6 at 6.5M elements, and l2's
/// <c>vector_norm</c> over every element 2e-4, above the float32 tolerance). Σ p² is the row norms squared and
/// summed when the rows are short (≤ <see cref="ShortRow"/>: the norm's float32 accumulation along a row is exact to
/// a few units of the last place there, and reads p once without a temporary). Long last axes (a flat parameter
/// vector) take the composed path's product-then-sum.</para>
/// <para>Every constant, and the alpha of every tensor add and subtract, is a <see cref="Scalar"/> held by a
/// <c>using</c>: an implicit Scalar nothing references during the native call may be finalised by a GC on another
/// thread mid-call (see <see cref="Binary"/> and <see cref="HeldScalars"/>). For the same reason the row norms are
/// <c>Tensor.norm(dim, keepdim, p)</c>, whose p reaches libtorch as a float, not <c>linalg.vector_norm</c>, which turns
/// its <c>double</c> order into such a Scalar; both run libtorch's <c>linalg_vector_norm</c> (the same bits, float32
/// and float64, rows of 3 to 100,000).</para>
/// </remarks>
public sealed partial class TorchEngine : IFusedWholeTensorLoss<Tensor>, IFusedSparseLoss<Tensor>
{
    /// <summary>The longest last axis whose row norms square back to Σ p² within a few units of float32's last place.</summary>
    private const long ShortRow = 1024;

    /// <inheritdoc/>
    public Tensor? WholeTensorLoss(WholeTensorLossKind kind, double first, double second, Tensor? target, Tensor output)
    {
        if (output.dtype is not (ScalarType.Float32 or ScalarType.Float64) || output.numel() == 0 || output.ndim == 0) return null;
        if (torch.is_grad_enabled() && (output.requires_grad || target?.requires_grad == true)) return null;
        bool squares = kind == WholeTensorLossKind.ScaledSumOfSquares;
        if (!squares && (target is null || target.dtype != output.dtype || !SameShape(target, output))) return null;
        if (!double.IsFinite(first) || !double.IsFinite(second)) return null;
        if (HostWholeTensorLoss(kind, first, second, squares ? null : target, output) is { } host) return host;
        if (squares) return ScaledSumOfSquares(output, first);
        return kind switch
        {
            WholeTensorLossKind.Dice => Dice(target!, output),
            WholeTensorLossKind.Tversky => Tversky(target!, output, first, second),
            _ => null,
        };
    }

    /// <summary>
    /// The loss from dense CPU memory in one managed pass (<see cref="WholeTensorSums{T}"/>, the channels-last
    /// engine's kernel): Σ y·p, Σ y and Σ p read together, one native tensor (the 0-d result). libtorch has no call
    /// that takes the three sums in one pass, and its precise Σ y·p costs more than its imprecise one: at (65536, 100)
    /// float32 the einsum row dots then sums took 3.4–5.1 ms against the hand-written <c>torch.dot</c> form's
    /// 2.3–3.0 ms (whose float32 lanes drift 7e-6 off at that size). Null (the libtorch chains below) for another
    /// device, a strided view, or more than int.MaxValue elements.
    /// </summary>
    private static Tensor? HostWholeTensorLoss(WholeTensorLossKind kind, double first, double second, Tensor? target, Tensor output)
    {
        if (output.device_type != DeviceType.CPU || !output.is_contiguous() || output.numel() > int.MaxValue) return null;
        if (target is not null && (target.device_type != DeviceType.CPU || !target.is_contiguous())) return null;
        return output.dtype == ScalarType.Float32
            ? HostLoss<float>(kind, first, second, target, output)
            : HostLoss<double>(kind, first, second, target, output);
    }

    private static unsafe Tensor HostLoss<T>(WholeTensorLossKind kind, double first, double second, Tensor? target, Tensor output)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // `bytes` is a view of the (contiguous, CPU) data from the storage offset on: no native tensor, no copy.
        T loss;
        fixed (byte* p = output.bytes, y = target is null ? output.bytes : target.bytes)
            loss = WholeTensorSums<T>.Loss(kind, first, second, (T*)y, (T*)p, (int)output.numel());
        // Read after their last managed use (numel is read before the sums): keep the memory from their finalizers.
        GC.KeepAlive(output);
        GC.KeepAlive(target);
        return typeof(T) == typeof(float) ? torch.tensor(float.CreateTruncating(loss)) : torch.tensor(double.CreateTruncating(loss));
    }

    /// <summary>Σ a·b over every element: short rows' dot products (<c>einsum("...i,...i->...")</c>, which libtorch
    /// runs as a batched matrix product of 1×n by n×1: no product tensor of the inputs' size, unlike
    /// <c>linalg.vecdot</c>'s multiply-then-sum, measured 1.25 against 1.6 ms at (65536, 100)), then those sums; long
    /// rows as the composed path does, the products then their sum (a single long dot product accumulates in float32
    /// lanes: measured 2.5e-5 off for the FastEstimator l2 example's 255,000 parameters). Two native tensors, the first
    /// disposed here.</summary>
    private static Tensor SumOfProducts(Tensor a, Tensor b)
    {
        using Tensor partial = a.size(-1) <= ShortRow ? torch.einsum("...i,...i->...", a, b) : a.mul(b);
        return partial.sum();
    }

    /// <summary>1 − 2·Σy·p / (Σy + Σp + ε): four native tensors (Keras's order of operations; −2·I is exact).</summary>
    private static Tensor Dice(Tensor target, Tensor output)
    {
        Tensor loss = SumOfProducts(target, output);
        using Tensor denominator = target.sum();
        using Tensor predicted = output.sum();
        using Scalar minusTwo = (-2.0).ToScalar(), one = 1.0.ToScalar();
        denominator.add_(predicted, one).add_(HeldScalars.Epsilon, one);
        return loss.mul_(minusTwo).div_(denominator).add_(one, one);
    }

    /// <summary>1 − TP / (TP + α·(Σy − TP) + β·(Σp − TP) + ε): four native tensors, the sums in the composed order.</summary>
    private static Tensor Tversky(Tensor target, Tensor output, double alpha, double beta)
    {
        Tensor truePositives = SumOfProducts(target, output);
        using Tensor denominator = target.sum();
        using Tensor extra = output.sum();
        using Scalar a = alpha.ToScalar(), b = beta.ToScalar(), one = 1.0.ToScalar(), minusOne = (-1.0).ToScalar();
        // (TP + α·missed) + β·extra + ε (a + b is b + a exactly in floating point); x − TP as libtorch's sub does it,
        // an add with alpha −1.
        denominator.add_(truePositives, minusOne).mul_(a).add_(truePositives, one);
        denominator.add_(extra.add_(truePositives, minusOne).mul_(b), one).add_(HeldScalars.Epsilon, one);
        return truePositives.div_(denominator).neg_().add_(one, one);
    }

    /// <summary>factor·Σ p²: the squared row norms summed (short rows, p read once), else the products' sum; two
    /// native tensors.</summary>
    private static Tensor ScaledSumOfSquares(Tensor output, double factor)
    {
        Tensor total;
        if (output.size(-1) <= ShortRow)
        {
            using Tensor norms = output.norm(-1, false, 2f);
            total = norms.mul_(norms).sum();
        }
        else total = SumOfProducts(output, output);
        using Scalar f = factor.ToScalar();
        return total.mul_(f);
    }

    /// <inheritdoc/>
    /// <remarks>Only CPU tensors and contiguous int64/int32 labels (floating labels need the core's fraction check),
    /// checked over their memory by <see cref="ClassIndexLabels"/>: a label outside [0, C) gives null, so the core's
    /// composed path names it. Crossentropy without a gradient over a dense prediction with classes on the last axis
    /// runs the core's kernel over the tensors' memory (<see cref="HostSparseCrossentropy"/>); otherwise logits
    /// on the class axis 1 go to <see cref="SparseLogits"/>, the generalized crossentropy to
    /// <see cref="GeneralizedCrossentropy"/>, and the rest through <c>gather</c>.</remarks>
    public Tensor? SparseLoss(SparseLossKind kind, double parameter, object labelsGiven, Tensor output, int axis, bool meanOverAll)
    {
        if (labelsGiven is not Tensor labels || !Enum.IsDefined(kind)) return null;
        if (output.dtype is not (ScalarType.Float32 or ScalarType.Float64) || output.numel() == 0) return null;
        if (output.device_type != DeviceType.CPU || labels.device_type != DeviceType.CPU) return null;
        if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32) || !labels.is_contiguous() || labels.numel() > int.MaxValue) return null;
        bool logits = kind == SparseLossKind.CrossentropyFromLogits;
        bool grad = torch.is_grad_enabled() && output.requires_grad;
        if (!logits && grad) return null;
        int rank = (int)output.ndim;
        if (rank < 2 || axis < -rank || axis >= rank) return null;
        if (axis < 0) axis += rank;
        if (labels.ndim != rank - 1 || !Shape(labels).AsSpan().SequenceEqual(Shapes.Without(Shape(output), axis))) return null;
        if (kind == SparseLossKind.GeneralizedCrossEntropy && !(parameter > 0 && parameter <= 1)) return null;
        // Classes along the last axis only: a channels-first class axis (segmentation's (B, C, H, W)) would be read
        // strided, element by element, where libtorch's kernels read whole planes.
        if (kind != SparseLossKind.GeneralizedCrossEntropy && !grad
            && axis == rank - 1 && output.is_contiguous() && output.numel() <= int.MaxValue)
            return output.dtype == ScalarType.Float32
                ? HostSparseCrossentropy<float>(labels, output, axis, logits, meanOverAll)
                : HostSparseCrossentropy<double>(labels, output, axis, logits, meanOverAll);
        if (!LabelsInRange(labels, output.size(axis))) return null;
        if (logits) return SparseLogits(labels, output, axis, meanOverAll);
        if (kind == SparseLossKind.GeneralizedCrossEntropy) return GeneralizedCrossentropy(labels, output, axis, parameter, meanOverAll);

        Tensor picked;
        Tensor wide = Indices(labels);
        try
        {
            using Tensor index = wide.unsqueeze(axis);
            picked = output.gather(axis, index);
        }
        finally
        {
            if (!ReferenceEquals(wide, labels)) wide.Dispose();   // int32 labels widened for gather
        }
        using (picked)
        {
            switch (kind)
            {
                case SparseLossKind.Crossentropy:
                {
                    // −log clip(p[label] / Σp): only the picked entries are divided, clipped and logged.
                    using (Tensor total = output.sum(axis, keepdim: true)) picked.div_(total);
                    picked.clamp_(HeldScalars.Epsilon, HeldScalars.OneMinusEpsilon).log_();
                    return meanOverAll ? picked.mean().neg_() : picked.squeeze(axis).neg_();
                }
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// (1 − p^q) / q with Keras's p = Σ y_pred·one_hot(label) along the axis (NaN where the row holds a NaN or ±∞
    /// anywhere, 0·∞): libtorch's int64 <c>one_hot</c> (classes last, moved to the axis), one product, one sum.
    /// </summary>
    private static Tensor GeneralizedCrossentropy(Tensor labels, Tensor output, int axis, double parameter, bool meanOverAll)
    {
        Tensor wide = Indices(labels);
        Tensor? hot = null;
        Tensor p;
        try
        {
            hot = nn.functional.one_hot(wide, output.size(axis));
            if (axis != output.ndim - 1)
                using (Tensor last = hot) hot = last.movedim([-1L], [axis]);
            using Tensor product = output.mul(hot);
            p = product.sum(axis);
        }
        finally
        {
            hot?.Dispose();
            if (!ReferenceEquals(wide, labels)) wide.Dispose();   // int32 labels widened for one_hot
        }
        using Scalar q = parameter.ToScalar();
        p.pow_(q).neg_().add_(HeldScalars.One, alpha: HeldScalars.One);
        if (!meanOverAll) return p.div_(q);
        using (p) return p.mean().div_(q);
    }

    /// <summary>
    /// The sparse crossentropy per row along <paramref name="axis"/> (or their mean, a 0-d tensor) by the core's
    /// <see cref="SparseCategoricalCrossentropyKernel{T}"/> over the prediction's memory, the labels checked and
    /// converted in one pass into a pooled buffer (<see cref="ClassIndexLabels.TryConvert{TLabel, T}"/>); null for a
    /// label outside [0, C). The same kernel as the channels-last engine's, so both engines give the same bits, and
    /// libtorch's log (not always the nearest float) is not used. One native tensor, the result.
    /// </summary>
    private static unsafe Tensor? HostSparseCrossentropy<T>(Tensor labels, Tensor output, int axis, bool fromLogits, bool mean)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        long[] shape = Shape(output);
        var layout = RowLayout.Around(shape, axis);
        int rows = layout.Rows, count = (int)output.numel();
        T epsilon = ClipBounds<T>.Low, upper = ClipBounds<T>.High;
        T[] indices = System.Buffers.ArrayPool<T>.Shared.Rent(Math.Max(1, rows));
        try
        {
            fixed (byte* l = labels.bytes)
            {
                bool valid = labels.dtype == ScalarType.Int64
                    ? ClassIndexLabels.TryConvert(new ReadOnlySpan<long>(l, rows), indices.AsSpan(0, rows), layout.Classes)
                    : ClassIndexLabels.TryConvert(new ReadOnlySpan<int>(l, rows), indices.AsSpan(0, rows), layout.Classes);
                if (!valid) return null;
            }
            fixed (byte* x = output.bytes)
            {
                nint xp = (nint)x;
                return PerRowOrMean<T>(Shapes.Without(shape, axis), rows, output.dtype, mean, losses =>
                    SparseCategoricalCrossentropyKernel<T>.Run(indices.AsSpan(0, rows), new ReadOnlySpan<T>((T*)xp, count), losses, layout, fromLogits, epsilon, upper));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(indices);
            // Both were read after their last managed use: keep their memory from their finalizers until here.
            GC.KeepAlive(labels);
            GC.KeepAlive(output);
        }
    }

    /// <summary>Whether every one of the contiguous int64/int32 <paramref name="labels"/> lies in [0,
    /// <paramref name="classes"/>), read over their CPU memory (one vectorised pass; the core's check is min, max, a
    /// concat and a host read: four native tensors and a sync per call, 2.3–3.3× the hand-written call at (32,
    /// 10)).</summary>
    private static unsafe bool LabelsInRange(Tensor labels, long classes)
    {
        int count = (int)labels.numel(), limit = (int)Math.Min(classes, int.MaxValue);
        bool inRange;
        fixed (byte* p = labels.bytes)
            inRange = labels.dtype == ScalarType.Int64
                ? ClassIndexLabels.IntegersIn(new ReadOnlySpan<long>(p, count), limit)
                : ClassIndexLabels.IntegersIn(new ReadOnlySpan<int>(p, count), limit);
        GC.KeepAlive(labels);   // read after its last managed use
        return inRange;
    }

    /// <summary>−log_softmax(x)[label] by libtorch's index-target kernel (<c>cross_entropy</c>, as hand-written code
    /// calls it), for labels already checked. Null (the composed path) for another class axis than 1.</summary>
    private static Tensor? SparseLogits(Tensor labels, Tensor output, int axis, bool mean)
    {
        if (axis != 1) return null;
        nn.Reduction reduction = mean ? nn.Reduction.Mean : nn.Reduction.None;
        if (labels.dtype == ScalarType.Int64) return nn.functional.cross_entropy(output, labels, reduction: reduction);
        using Tensor wide = labels.to_type(ScalarType.Int64);
        return nn.functional.cross_entropy(output, wide, reduction: reduction);
    }

    /// <summary>−Σ y·p / (max(‖y‖, ε)·max(‖p‖, ε)) per row (each norm floored at ε, as Keras 3's normalize and
    /// PyTorch's cosine_similarity do): the row dot products and the two row norms, combined in place; the mean in a
    /// fourth native tensor. Not <c>nn.functional.cosine_similarity</c> (two native tensors): it measured 20–40× slower
    /// than these four calls at (65536, 100) on this machine (it divides both B×C inputs by their norms first).</summary>
    private static Tensor? CosineSimilarity(Tensor target, Tensor output, int axis, bool meanOverAll)
    {
        // Long float32 rows: the norm's accumulation along the row is not within float32's tolerance (see ShortRow).
        if (output.dtype == ScalarType.Float32 && output.size(axis) > ShortRow) return null;
        Tensor similarity = linalg.vecdot(target, output, axis);
        using Tensor targetNorm = target.norm(axis, false, 2f);
        using Tensor outputNorm = output.norm(axis, false, 2f);
        similarity.div_(targetNorm.clamp_min_(HeldScalars.Epsilon).mul_(outputNorm.clamp_min_(HeldScalars.Epsilon))).neg_();
        if (!meanOverAll) return similarity;
        using (similarity) return similarity.mean();
    }
}
