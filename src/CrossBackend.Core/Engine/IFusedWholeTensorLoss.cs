namespace CrossBackend;

/// <summary>
/// The losses a <see cref="IFusedWholeTensorLoss{TTensor}"/> kernel reduces to one number through a few sums over
/// every element. Each kind's maths is its loss file's composed definition (the loss named in brackets).
/// </summary>
public enum WholeTensorLossKind
{
    /// <summary>1 − 2·Σ(y·p) / (Σy + Σp + ε), ε = 1e-7, over every element (<c>dice</c> without <c>axis</c>).</summary>
    Dice,

    /// <summary>1 − TP / (TP + α·(Σy − TP) + β·(Σp − TP) + ε), TP = Σ y·p, ε = 1e-7, over every element, α and β the
    /// two parameters (<c>tversky</c> without <c>axis</c>).</summary>
    Tversky,

    /// <summary>The first parameter times Σ p² over every element; no target (<c>l2_regularization</c>, whose factor
    /// is β/2).</summary>
    ScaledSumOfSquares,
}

/// <summary>
/// Optional fused whole-tensor losses an engine may offer beside its general ops: the loss in a few passes over the
/// inputs and no temporary of their size, instead of one tensor per general op. The losses composed from
/// <see cref="ITensorOps{TTensor}"/> define the semantics; the fused-vs-composed tests hold this to them. Return null
/// to decline any case (a dtype, layout, autograd), and the core composes the loss from the general ops.
/// </summary>
public interface IFusedWholeTensorLoss<TTensor> where TTensor : class
{
    /// <summary>The loss over every element of <paramref name="output"/> (and <paramref name="target"/>), in the
    /// shape a reduction over every axis has on this engine.</summary>
    /// <param name="kind">The loss.</param>
    /// <param name="first">Tversky's α; the factor of <see cref="WholeTensorLossKind.ScaledSumOfSquares"/>.</param>
    /// <param name="second">Tversky's β; ignored by the other kinds.</param>
    /// <param name="target">y_true in <paramref name="output"/>'s dtype and shape; null for
    /// <see cref="WholeTensorLossKind.ScaledSumOfSquares"/>.</param>
    /// <param name="output">y_pred.</param>
    TTensor? WholeTensorLoss(WholeTensorLossKind kind, double first, double second, TTensor? target, TTensor output);
}
