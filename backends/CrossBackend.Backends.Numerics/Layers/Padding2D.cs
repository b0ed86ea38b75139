namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Explicit zero padding of a 2-D window operation: rows before/after, columns before/after.</summary>
/// <param name="Top">Rows before.</param>
/// <param name="Bottom">Rows after.</param>
/// <param name="Left">Columns before.</param>
/// <param name="Right">Columns after.</param>
internal readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    /// <summary>No padding ("valid").</summary>
    public static Padding2D None => default;

    /// <summary>
    /// TensorFlow's "SAME" padding for one axis: the output has ceil(n / stride) cells and
    /// pad_total = max((out − 1)·stride + (kernel − 1)·dilation + 1 − n, 0); pad_before = pad_total / 2 (floor)
    /// and the odd cell goes after. E.g. n = 10, kernel 3, stride 2: out 5, total 1 → (0, 1) — PyTorch's symmetric
    /// padding cannot express that.
    /// </summary>
    /// <param name="length">The input length.</param>
    /// <param name="kernel">The window length.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="dilation">The dilation.</param>
    public static (int Before, int After) SameAxis(int length, int kernel, int stride, int dilation = 1)
    {
        LayerChecks.Positive(kernel, nameof(kernel));
        LayerChecks.Positive(stride, nameof(stride));
        LayerChecks.Positive(dilation, nameof(dilation));
        int output = (length + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + (kernel - 1) * dilation + 1 - length, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>TensorFlow's "SAME" padding for a 2-D window over a (height, width) input.</summary>
    public static Padding2D Same(int height, int width, (int H, int W) kernel, (int H, int W) strides, (int H, int W) dilation = default)
    {
        (int top, int bottom) = SameAxis(height, kernel.H, strides.H, Math.Max(1, dilation.H));
        (int left, int right) = SameAxis(width, kernel.W, strides.W, Math.Max(1, dilation.W));
        return new Padding2D(top, bottom, left, right);
    }
}
