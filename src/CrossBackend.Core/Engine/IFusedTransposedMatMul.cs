namespace CrossBackend;

/// <summary>
/// Optional: a matrix product with either operand's two axes swapped, read in place, for engines differentiated by the
/// core's tape: the backward of a = x·w is dx = g·wᵀ and dw = xᵀ·g, and without this the tape makes each transposed
/// operand as a dense copy (<see cref="ITensorOps{TTensor}.Permute"/>) before <see cref="ITensorOps{TTensor}.MatMul"/>.
/// The composed product (permute, then matmul) defines the numbers; the fused-vs-composed tests hold this to it. Return
/// null to decline (any shape the engine does not take this way), and the tape composes.
/// </summary>
public interface IFusedTransposedMatMul<TTensor> where TTensor : class
{
    /// <summary>op(a)·op(b) for rank-2 <paramref name="a"/> and <paramref name="b"/>, where op swaps the two axes of an
    /// operand whose flag is set; null to decline.</summary>
    /// <param name="a">The left operand, (m, k), or (k, m) with <paramref name="transposeA"/>.</param>
    /// <param name="transposeA">Whether the product reads <paramref name="a"/>'s transpose.</param>
    /// <param name="b">The right operand, (k, n), or (n, k) with <paramref name="transposeB"/>.</param>
    /// <param name="transposeB">Whether the product reads <paramref name="b"/>'s transpose.</param>
    TTensor? MatMulTransposed(TTensor a, bool transposeA, TTensor b, bool transposeB);
}
