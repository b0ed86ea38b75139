namespace CrossBackend.Keras;

/// <summary>
/// Converts Keras's layouts to PyTorch's (and back) — the traps every port meets, each as a tested function.
/// Keras keeps activations channels-last (N, H, W, C) and kernels (kh, kw, in, out); PyTorch wants NCHW and
/// (out, in, kh, kw). Every converter copies; none changes its input.
/// </summary>
/// <remarks>
/// Worked example (Dense after Flatten): a Keras model flattens a (3, 3, 64) feature map in (h, w, c) order, so row
/// <c>(h·3 + w)·64 + c</c> of the next Dense kernel belongs to pixel (h, w), channel c. PyTorch flattens the NCHW
/// tensor in (c, h, w) order, where that feature sits at <c>c·9 + h·3 + w</c>: the kernel's rows must be permuted
/// (<see cref="FlattenedDenseKernelToTorch{T}"/>) or the port runs and silently gives wrong numbers.
/// </remarks>
public static partial class KerasLayout
{
    /// <summary>Activations (N, …spatial, C) → (N, C, …spatial) for 1-D (N, L, C), 2-D (N, H, W, C) and 3-D
    /// (N, D, H, W, C) data.</summary>
    /// <param name="activations">Channels-last data of rank 3 to 5.</param>
    public static KerasArray<T> ChannelsLastToFirst<T>(KerasArray<T> activations)
    {
        int rank = RequireRank(activations, nameof(activations), 3, 5);
        return Permutation.Transpose(activations, [0, rank - 1, .. Enumerable.Range(1, rank - 2)]);
    }

    /// <summary>Activations (N, C, …spatial) → (N, …spatial, C): the inverse of <see cref="ChannelsLastToFirst{T}"/>.</summary>
    /// <param name="activations">Channels-first data of rank 3 to 5.</param>
    public static KerasArray<T> ChannelsFirstToLast<T>(KerasArray<T> activations)
    {
        int rank = RequireRank(activations, nameof(activations), 3, 5);
        return Permutation.Transpose(activations, [0, .. Enumerable.Range(2, rank - 2), 1]);
    }

    /// <summary>Conv1D/2D/3D kernel: Keras (k…, in, out) → PyTorch (out, in, k…).</summary>
    /// <param name="kernel">A kernel of rank 3 (Conv1D), 4 (Conv2D) or 5 (Conv3D).</param>
    public static KerasArray<T> ConvKernelToTorch<T>(KerasArray<T> kernel)
    {
        int rank = RequireRank(kernel, nameof(kernel), 3, 5);
        return Permutation.Transpose(kernel, [rank - 1, rank - 2, .. Enumerable.Range(0, rank - 2)]);
    }

    /// <summary>Conv kernel: PyTorch (out, in, k…) → Keras (k…, in, out).</summary>
    /// <param name="kernel">A kernel of rank 3 to 5.</param>
    public static KerasArray<T> ConvKernelFromTorch<T>(KerasArray<T> kernel)
    {
        int rank = RequireRank(kernel, nameof(kernel), 3, 5);
        return Permutation.Transpose(kernel, [.. Enumerable.Range(2, rank - 2), 1, 0]);
    }

    /// <summary>DepthwiseConv2D kernel: Keras (kh, kw, in, multiplier) → PyTorch grouped-conv weight
    /// (in·multiplier, 1, kh, kw) for <c>Conv2d(in, in·multiplier, groups: in)</c>. Output channel c·multiplier + m
    /// reads input channel c in both frameworks.</summary>
    /// <param name="kernel">The depthwise kernel.</param>
    public static KerasArray<T> DepthwiseKernelToTorch<T>(KerasArray<T> kernel)
    {
        RequireRank(kernel, nameof(kernel), 4, 4);
        KerasArray<T> t = Permutation.Transpose(kernel, [2, 3, 0, 1]);
        return t with { Shape = [kernel.Shape[2] * kernel.Shape[3], 1, kernel.Shape[0], kernel.Shape[1]] };
    }

    /// <summary>Conv2DTranspose / Conv3DTranspose kernel: Keras (k…, out, in) → PyTorch ConvTranspose2d/3d
    /// (in, out, k…): (kh, kw, out, in) → (in, out, kh, kw), (kd, kh, kw, out, in) → (in, out, kd, kh, kw). No spatial
    /// flip: both are the adjoint of the same cross-correlation. (Keras's "same" padding still needs care: PyTorch's
    /// output_padding and padding must reproduce Keras's output length.)</summary>
    /// <param name="kernel">The transposed-convolution kernel, rank 4 (2-D) or 5 (3-D).</param>
    public static KerasArray<T> ConvTransposeKernelToTorch<T>(KerasArray<T> kernel)
    {
        int rank = RequireRank(kernel, nameof(kernel), 4, 5);
        return Permutation.Transpose(kernel, [rank - 1, rank - 2, .. Enumerable.Range(0, rank - 2)]);
    }

    /// <summary>Dense kernel: Keras (in, out) → PyTorch Linear weight (out, in).</summary>
    /// <param name="kernel">The kernel.</param>
    public static KerasArray<T> DenseKernelToTorch<T>(KerasArray<T> kernel)
    {
        RequireRank(kernel, nameof(kernel), 2, 2);
        return Permutation.Transpose(kernel, [1, 0]);
    }

    /// <summary>Dense kernel: PyTorch (out, in) → Keras (in, out).</summary>
    /// <param name="weight">The Linear weight.</param>
    public static KerasArray<T> DenseKernelFromTorch<T>(KerasArray<T> weight) => DenseKernelToTorch(weight);

    /// <summary>The Dense-after-Flatten row permutation: reorders a Keras kernel's rows from (…spatial, c) order to
    /// (c, …spatial) order, keeping Keras's (in, out) layout.</summary>
    /// <param name="kernel">The Dense kernel (in, out), in = product of <paramref name="shapeBeforeFlatten"/>.</param>
    /// <param name="shapeBeforeFlatten">The channels-last shape the Flatten received, batch excluded: (h, w, c),
    /// (steps, c) or (d, h, w, c).</param>
    public static KerasArray<T> FlattenRowsToChannelsFirst<T>(KerasArray<T> kernel, long[] shapeBeforeFlatten)
    {
        RequireRank(kernel, nameof(kernel), 2, 2);
        ArgumentNullException.ThrowIfNull(shapeBeforeFlatten);
        if (shapeBeforeFlatten.Length < 2 || shapeBeforeFlatten.Any(v => v <= 0) || shapeBeforeFlatten.Aggregate(1L, (a, b) => a * b) != kernel.Shape[0])
            throw new ArgumentException(
                $"Argument `shapeBeforeFlatten` must be the known channels-last shape (rank >= 2) whose size is the kernel's {kernel.Shape[0]} rows. " +
                $"Received: shapeBeforeFlatten={TensorInfo.FormatShape(shapeBeforeFlatten)}", nameof(shapeBeforeFlatten));
        int rank = shapeBeforeFlatten.Length;
        var expanded = new KerasArray<T>(kernel.Data, [.. shapeBeforeFlatten, kernel.Shape[1]]);
        KerasArray<T> moved = Permutation.Transpose(expanded, [rank - 1, .. Enumerable.Range(0, rank - 1), rank]);
        return moved with { Shape = (long[])kernel.Shape.Clone() };
    }

    /// <summary>Dense after Flatten, both steps: rows permuted to (c, …spatial) order, then transposed to PyTorch's
    /// (out, in) — the Linear weight that reads a flattened NCHW tensor.</summary>
    /// <param name="kernel">The Dense kernel (in, out).</param>
    /// <param name="shapeBeforeFlatten">The channels-last shape the Flatten received, batch excluded.</param>
    public static KerasArray<T> FlattenedDenseKernelToTorch<T>(KerasArray<T> kernel, long[] shapeBeforeFlatten) =>
        DenseKernelToTorch(FlattenRowsToChannelsFirst(kernel, shapeBeforeFlatten));

    private static int RequireRank<T>(KerasArray<T> array, string name, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        array.Validated(name);
        int rank = array.Shape.Length;
        if (rank < min || rank > max)
            throw new ArgumentException(
                $"Argument `{name}` must have rank {(min == max ? $"{min}" : $"{min} to {max}")}. Received: {name}.shape={TensorInfo.FormatShape(array.Shape)}", name);
        return rank;
    }
}
