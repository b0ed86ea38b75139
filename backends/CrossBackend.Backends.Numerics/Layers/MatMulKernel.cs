using System.Numerics;
using System.Numerics.Tensors;

namespace CrossBackend.Backends.Numerics.Layers;

/// <summary>Dense matrix products on row-major data, and <c>Dense</c> (x · kernel + bias over the last axis).</summary>
internal static class MatMulKernel
{
    /// <summary>
    /// c[i, j] = Σ_k a[i, k] · b[k, j] for i &lt; m, j &lt; n (overwrites c). Row-major with leading dimensions
    /// (row strides) <paramref name="lda"/>, <paramref name="ldb"/>, <paramref name="ldc"/>. Dense operands large
    /// enough run the engine's blocked matrix product (the one behind <c>Backend.MatMul</c>: one multiply-add chain per
    /// element, k ascending); others accumulate each output row as a sum of scaled rows of b (vectorised multiply-add
    /// along j), four rows of a at a time so the row of b is hot in cache for four outputs. Serial: callers
    /// parallelise over independent blocks.
    /// </summary>
    public static void MatMul<T>(ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, int m, int k, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (a.Length < (long)(m - 1) * lda + k || b.Length < (long)(k - 1) * ldb + n || c.Length < (long)(m - 1) * ldc + n)
            throw new ArgumentException("MatMul: a span is shorter than its dimensions and leading dimension require.");
        if (lda == k && ldb == n && ldc == n && NumericsOps<T>.TryGemm(a, b, c, m, k, n, mayRunInParallel: false)) return;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            Span<T> c0 = c.Slice(i * ldc, n), c1 = c.Slice((i + 1) * ldc, n), c2 = c.Slice((i + 2) * ldc, n), c3 = c.Slice((i + 3) * ldc, n);
            c0.Clear(); c1.Clear(); c2.Clear(); c3.Clear();
            for (int p = 0; p < k; p++)
            {
                ReadOnlySpan<T> row = b.Slice(p * ldb, n);
                T a0 = a[i * lda + p], a1 = a[(i + 1) * lda + p], a2 = a[(i + 2) * lda + p], a3 = a[(i + 3) * lda + p];
                TensorPrimitives.MultiplyAdd(row, a0, c0, c0);
                TensorPrimitives.MultiplyAdd(row, a1, c1, c1);
                TensorPrimitives.MultiplyAdd(row, a2, c2, c2);
                TensorPrimitives.MultiplyAdd(row, a3, c3, c3);
            }
        }
        for (; i < m; i++)
        {
            Span<T> ci = c.Slice(i * ldc, n);
            ci.Clear();
            for (int p = 0; p < k; p++)
            {
                TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), a[i * lda + p], ci, ci);
            }
        }
    }

    /// <summary>
    /// Keras's <c>Dense</c>: <c>x · kernel + bias</c> over the last axis of <paramref name="input"/> (any rank ≥ 1),
    /// kernel in Keras's (in, out) layout. Rows run in parallel for large inputs.
    /// </summary>
    /// <param name="input">(…, in).</param>
    /// <param name="kernel">(in, out).</param>
    /// <param name="bias">(out) or null.</param>
    /// <param name="activation">A fused activation, applied to whole output rows.</param>
    public static Tensor<T> Dense<T>(Tensor<T> input, Tensor<T> kernel, Tensor<T>? bias = null, SpanAction<T>? activation = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        LayerChecks.Rank(kernel, 2, nameof(kernel), "(in, out)");
        long[] shape = LayerChecks.Shape(input);
        int inFeatures = checked((int)kernel.Lengths[0]), outFeatures = checked((int)kernel.Lengths[1]);
        if (shape.Length == 0 || shape[^1] != inFeatures)
            throw new ArgumentException(
                $"Argument `input` must end in {inFeatures} features (the kernel's rows). Received: input.shape={TensorInfo.FormatShape(shape)}", nameof(input));
        T[] biasValues = bias is null ? [] : TensorData.ToArray(bias);
        if (bias is not null) LayerChecks.Length<T>(biasValues, outFeatures, nameof(bias));
        T[] x = TensorData.ToArray(input), w = TensorData.ToArray(kernel);
        int rows = x.Length / Math.Max(1, inFeatures);
        var output = new T[(long)rows * outFeatures];
        // The whole product at once when the blocked kernel takes it (it runs in parallel itself); else by ranges.
        bool whole = NumericsOps<T>.TryGemm(x, w, output, rows, inFeatures, outFeatures, mayRunInParallel: true);
        LayerChecks.ForRanges(rows, Math.Max(1, (1 << 16) / Math.Max(1, inFeatures * outFeatures / 64)), (first, end) =>
        {
            if (!whole)
                MatMul<T>(x.AsSpan(first * inFeatures), inFeatures, w, outFeatures, output.AsSpan(first * outFeatures), outFeatures, end - first, inFeatures, outFeatures);
            if (biasValues.Length > 0)
                for (int r = first; r < end; r++) TensorPrimitives.Add(output.AsSpan(r * outFeatures, outFeatures), biasValues, output.AsSpan(r * outFeatures, outFeatures));
            activation?.Invoke(output.AsSpan(first * outFeatures, (end - first) * outFeatures));
        });
        return LayerChecks.Create(output, [.. shape[..^1], outFeatures]);
    }
}
