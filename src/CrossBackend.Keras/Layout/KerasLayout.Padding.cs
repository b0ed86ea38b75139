namespace CrossBackend.Keras;

public static partial class KerasLayout
{
    /// <summary>
    /// Keras/TensorFlow "same" padding for one axis: output length ceil(n / stride), pad_total =
    /// max((out − 1)·stride + (kernel − 1)·dilation + 1 − n, 0), pad_before = pad_total / 2 (floor), the extra cell
    /// at the end. PyTorch's <c>padding=</c> is symmetric, so an odd total — e.g. n = 28, kernel 3, stride 2:
    /// out 14, total 1 → (0, 1) — must be applied as an explicit pad before the convolution or pooling.
    /// </summary>
    /// <param name="length">The input length along the axis.</param>
    /// <param name="kernel">The kernel (or pool window) length.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="dilation">The dilation rate.</param>
    public static (int Before, int After) SamePadding(int length, int kernel, int stride, int dilation = 1)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "Argument `length` must not be negative.");
        if (kernel < 1 || stride < 1 || dilation < 1)
            throw new ArgumentException($"Arguments `kernel`, `stride` and `dilation` must be positive. Received: kernel={kernel}, stride={stride}, dilation={dilation}");
        int output = (length + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + (kernel - 1) * dilation + 1 - length, 0);
        return (total / 2, total - total / 2);
    }
}
