namespace CrossBackend;

/// <summary>
/// The element-wise loss functions f(y_pred, y_true) a <see cref="IFusedPointwiseLoss{TTensor}"/> kernel averages
/// along one axis. Each kind's maths is its loss file's composed definition (the loss named in brackets); the kernel
/// must give the same numbers within the dtype's tolerance.
/// </summary>
public enum PointwiseLossKind
{
    /// <summary>(p − y)² (<c>mean_squared_error</c>).</summary>
    SquaredError,

    /// <summary>|p − y| (<c>mean_absolute_error</c>, <c>l1_loss</c>).</summary>
    AbsoluteError,

    /// <summary>Huber with delta = the parameter (> 0): ½e² where |e| ≤ δ, else δ·|e| − ½δ² (<c>huber</c>,
    /// <c>fe_huber</c>). Keras puts |e| = δ in the quadratic branch and PyTorch in the linear one: both branches have
    /// the same value and slope there, so one kind serves both.</summary>
    Huber,

    /// <summary>Smooth L1 with beta = the parameter (≥ 0): ½e²/β where |e| &lt; β, else |e| − ½β; β = 0 is |e|
    /// (<c>smooth_l1_loss</c>).</summary>
    SmoothL1,

    /// <summary>(log(max(p, ε) + 1) − log(max(y, ε) + 1))², ε = 1e-7 (<c>mean_squared_logarithmic_error</c>).</summary>
    SquaredLogarithmicError,

    /// <summary>100·|(y − p) / max(|y|, ε)|, ε = 1e-7 (<c>mean_absolute_percentage_error</c>).</summary>
    AbsolutePercentageError,

    /// <summary>log(cosh(p − y)) as |e| + log1p(exp(−2|e|)) − log 2 (<c>log_cosh</c>).</summary>
    LogCosh,

    /// <summary>p − y·log(p + ε), ε = 1e-7 (<c>poisson</c>).</summary>
    Poisson,

    // The kinds below take a PointwiseLossParameters (the overload with it) and y_true as the loss received it.

    /// <summary>−(y·log p + (1 − y)·log(1 − p)), p clipped to [ε, 1 − ε], or with FromLogits the stable
    /// max(x, 0) − x·y + log(1 + exp(−|x|)); y smoothed first (<c>binary_crossentropy</c>).</summary>
    BinaryCrossentropy,

    /// <summary>(1 − p_t)^γ·bce (· α_t when Alpha is given), Keras's: p = sigmoid(x) with FromLogits, bce on p clipped,
    /// p_t from the unclipped p, y smoothed first (<c>binary_focal_crossentropy</c>).</summary>
    BinaryFocalCrossentropy,

    /// <summary><b>Summed</b> along the axis: α·(1 − p)^γ·(−y·log p) with p = softmax(x) (FromLogits) or x, renormalised
    /// along the axis (p / Σp) and clipped to [ε, 1 − ε]; y smoothed by ls/C (<c>categorical_focal_crossentropy</c>).</summary>
    CategoricalFocalCrossentropy,

    /// <summary><b>Summed</b> along the axis: α_t·(1 − p_t)^γ·bce as <see cref="BinaryFocalCrossentropy"/> with Alpha,
    /// each sample divided by max(Σ y, 1) when Normalize (FastEstimator's <c>focal_loss</c>, shape_reduction 'sum').</summary>
    FocalLoss,

    /// <summary><b>Summed</b> along the axis: y·log(y / p), y and p clipped to [ε, 1] (<c>kl_divergence</c>).</summary>
    KLDivergence,

    /// <summary>max(1 − y·p, 0) with Keras's label conversion done by the kernel: when every element of y is 0 or 1,
    /// y is read as 2y − 1 (<c>hinge</c>).</summary>
    HingeKerasLabels,

    /// <summary>max(1 − y·p, 0)² with the label conversion of <see cref="HingeKerasLabels"/> (<c>squared_hinge</c>).</summary>
    SquaredHingeKerasLabels,

    /// <summary><b>Per row</b>: max(max((1 − y)·p) − Σ y·p + 1, 0) along the axis, the largest wrong score against the
    /// true one (<c>categorical_hinge</c>).</summary>
    CategoricalHinge,

    /// <summary><b>Per row</b>: −Σ y·p / (max(‖y‖, ε)·max(‖p‖, ε)) along the axis, ε = 1e-7, the norms Euclidean
    /// (<c>cosine_similarity</c>).</summary>
    CosineSimilarity,
}

/// <summary>
/// Optional fused element-wise losses an engine may offer beside its general ops: the mean of
/// f(<c>output</c>, <c>target</c>) along one axis in one pass, instead of one full-size temporary per general op. The
/// losses composed from <see cref="ITensorOps{TTensor}"/> define the semantics; the fused-vs-composed tests hold this
/// to them. Return null to decline any case (a dtype, layout or shape the kernel was not written for), and the core
/// composes the loss from the general ops.
/// </summary>
public interface IFusedPointwiseLoss<TTensor> where TTensor : class
{
    /// <summary>
    /// The mean of f(<paramref name="output"/>, <paramref name="target"/>) along <paramref name="axis"/> (that axis
    /// removed), or with <paramref name="meanOverAll"/> the mean over every element (a one-element tensor: what the
    /// default reduction of the per-sample losses gives, since every sample averages the same number of elements).
    /// </summary>
    /// <param name="kind">The element-wise function.</param>
    /// <param name="parameter">Huber's delta or SmoothL1's beta; ignored by the other kinds.</param>
    /// <param name="target">y_true, already in <paramref name="output"/>'s dtype (and signed for the hinge kinds).</param>
    /// <param name="output">y_pred.</param>
    /// <param name="axis">The axis averaged over (negative counts from the end).</param>
    /// <param name="meanOverAll">Return the mean over every element instead of the per-sample means.</param>
    TTensor? PointwiseLoss(PointwiseLossKind kind, double parameter, TTensor target, TTensor output, int axis, bool meanOverAll);

    /// <summary>As the other overload, for the kinds that take several options (or none): the mean along the axis, or
    /// the sum for the kinds documented as summed (the per-sample loss; with <paramref name="meanOverAll"/> the mean of
    /// those per-sample values). The default declines every case.</summary>
    TTensor? PointwiseLoss(PointwiseLossKind kind, PointwiseLossParameters parameters, TTensor target, TTensor output, int axis,
        bool meanOverAll) => null;
}
