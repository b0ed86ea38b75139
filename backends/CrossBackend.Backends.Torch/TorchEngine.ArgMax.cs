using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

public sealed partial class TorchEngine
{
    /// <summary>
    /// The index of the first maximum along <paramref name="dim"/> (the first NaN if the row has one), as
    /// <c>argmax</c> gives it, through <c>max(dim)</c>: libtorch documents the same tie rule for both ("the indices of
    /// the first maximal value"), and its max-with-indices kernel is 1.5–2× faster than argmax's general reduction
    /// over a strided class axis (measured by <c>interleaved --argmax</c>; this is what makes class weights cheap).
    /// </summary>
    private static Tensor FirstMaxIndex(Tensor x, long dim, bool keepDims)
    {
        (Tensor values, Tensor indexes) = x.max(dim, keepDims);
        values.Dispose();
        return indexes;
    }
}
