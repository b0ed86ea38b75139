using static TorchSharp.torch;

namespace CrossBackend.Backends.Torch;

/// <summary>Flip and roll: one native call each (<c>torch.flip</c>, <c>torch.roll</c>).</summary>
public sealed partial class TorchEngine
{
    /// <inheritdoc/>
    public override Tensor Flip(Tensor x, int[] axes)
    {
        long[] dims = ReorderAxes(x, axes);
        return dims.Length == 0 ? x.alias() : x.flip(dims);
    }

    /// <inheritdoc/>
    public override Tensor Roll(Tensor x, long[] shifts, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        long[] dims = ReorderAxes(x, axes);
        if (shifts.Length != dims.Length)
            throw new ArgumentException(
                $"Arguments `shifts` and `axes` must have the same length. Received: shifts=[{string.Join(", ", shifts)}], axes=[{string.Join(", ", axes)}]", nameof(shifts));
        return dims.Length == 0 ? x.alias() : x.roll(shifts, dims);
    }

    /// <summary>The axes resolved and checked distinct (libtorch refuses repeated dims with a message that does not name
    /// the argument).</summary>
    private static long[] ReorderAxes(Tensor x, int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        long[] dims = axes.Select(a => Axis(x, a)).ToArray();
        if (dims.Distinct().Count() != dims.Length)
            throw new ArgumentException($"Argument `axes` must not repeat an axis. Received: axes=[{string.Join(", ", axes)}]", nameof(axes));
        return dims;
    }
}
