namespace CrossBackend;

/// <summary>Flip and roll with their backward steps: each is a permutation of the elements, so the gradient goes back
/// through the inverse permutation (flip is its own inverse; roll by −shift undoes roll by shift).</summary>
internal sealed partial class TapeOps<T>
{
    public TapeTensor<T> Flip(TapeTensor<T> x, int[] axes) =>
        Record(inner.Flip(x.Value, axes), g => Accumulate(x, inner.Flip(g, axes)), x);

    public TapeTensor<T> Roll(TapeTensor<T> x, long[] shifts, int[] axes)
    {
        long[] back = shifts.Select(s => -s).ToArray();
        return Record(inner.Roll(x.Value, shifts, axes), g => Accumulate(x, inner.Roll(g, back, axes)), x);
    }
}
