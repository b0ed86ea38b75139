namespace CrossBackend;

internal sealed partial class TapeOps<T>
{
    /// <summary>Σ a·b along the axes; its backward is the sum's (the gradient re-expanded) times the other operand.</summary>
    public TapeTensor<T> Dot(TapeTensor<T> a, TapeTensor<T> b, int[]? axes, bool keepDims)
    {
        T va = a.Value, vb = b.Value;
        long[] shape = inner.ShapeOf(va);
        return Record(inner.Dot(va, vb, axes, keepDims), g =>
        {
            T up = Expand(g, shape, axes, keepDims);
            if (a.Tracked) Accumulate(a, Mul(up, vb));
            if (b.Tracked) Accumulate(b, Mul(up, va));
        }, a, b);
    }
}
