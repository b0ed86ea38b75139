using System.Numerics;
using System.Numerics.Tensors;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Matrix product (NumPy's <c>matmul</c>).</summary>
public sealed unsafe partial class NumericsOps<T> : IFusedTransposedMatMul<Tensor<T>>
{
    /// <inheritdoc/>
    /// <remarks>Taken where the blocked kernel takes the product (<see cref="UseGemm"/>): a transposed a is read strip by
    /// strip into the kernel's strip buffer, a transposed b into its packed panels, so no transposed copy is made; the
    /// sums are those of the product of the copies, element for element. Smaller products are declined.</remarks>
    public Tensor<T>? MatMulTransposed(Tensor<T> a, bool transposeA, Tensor<T> b, bool transposeB)
    {
        long[] aShape = ShapeOf(a, nameof(a)), bShape = ShapeOf(b, nameof(b));
        if (aShape.Length != 2 || bShape.Length != 2) return null;
        long m = aShape[transposeA ? 1 : 0], k = aShape[transposeA ? 0 : 1];
        long kb = bShape[transposeB ? 1 : 0], n = bShape[transposeB ? 0 : 1];
        if (k != kb || m > int.MaxValue || k > int.MaxValue || n > int.MaxValue || !UseGemm((int)m, (int)k, (int)n)) return null;
        var result = NumericsResultScope.Allocate<T>(Count([m, n], nameof(b)));
        ReadOnlySpan<T> av = TensorData.Read(a), bv = TensorData.Read(b);
        fixed (T* ap = av, bp = bv, cp = result)
            Gemm(ap, bp, cp, (int)m, (int)k, (int)n, mayRunInParallel: true, transposeA, transposeB);
        return Create(result, [m, n]);
    }

    /// <inheritdoc/>
    /// <remarks>Rank-1 operands are promoted as NumPy does (a vector on the left is a row, on the right a column,
    /// and the added axis is removed from the result). Products of at least 4 rows and 8 columns large enough for it
    /// (<see cref="UseGemm"/>) run the blocked kernel (NumericsOps.Gemm.cs); others accumulate each output row
    /// Σₖ a[m, k] · b[k, :] with
    /// <see cref="TensorPrimitives.MultiplyAdd{T}(ReadOnlySpan{T}, T, ReadOnlySpan{T}, Span{T})"/> (SIMD along the
    /// row), or, with fewer columns than 16, take dot products of a row of a with a column of b. Rows run in parallel
    /// when the product is large.</remarks>
    public Tensor<T> MatMul(Tensor<T> a, Tensor<T> b)
    {
        long[] aShape = ShapeOf(a, nameof(a)), bShape = ShapeOf(b, nameof(b));
        bool aVector = aShape.Length == 1, bVector = bShape.Length == 1;
        long[] aMat = aVector ? [1, aShape[0]] : aShape, bMat = bVector ? [bShape[0], 1] : bShape;
        long m = aMat[^2], k = aMat[^1], kb = bMat[^2], n = bMat[^1];
        if (k != kb)
            throw new ArgumentException(
                $"Arguments `a` and `b` must have matching inner lengths for a matrix product (a.shape[-1] == b.shape[-2]). Received: a.shape={TensorInfo.FormatShape(aShape)}, b.shape={TensorInfo.FormatShape(bShape)}",
                nameof(b));
        long[] aBatch = aMat[..^2], bBatch = bMat[..^2];
        long[] batch = BroadcastPlan.BroadcastShape([aBatch, bBatch], [nameof(a), nameof(b)]);
        long[] resultShape = [.. batch, .. aVector ? Array.Empty<long>() : [m], .. bVector ? Array.Empty<long>() : [n]];
        // Every path below writes every element (the blocked kernel's first depth block starts from zero).
        var result = NumericsResultScope.Allocate<T>(Count([.. batch, m, n], nameof(b)));
        if (result.Length == 0) return Create(result, resultShape);

        // Offsets of each batch's matrix in a and in b (0 strides along broadcast axes).
        int batches = (int)Shapes.Count(batch);
        var aAt = new long[batches];
        var bAt = new long[batches];
        var plan = BroadcastPlan.Create(batch.Length == 0 ? [1] : batch, aBatch.Length == 0 ? [1] : aBatch, bBatch.Length == 0 ? [1] : bBatch);
        Span<int> offsets = stackalloc int[2];
        int batchBlock = plan.Block;
        for (int i = 0; i < batches; i++)
        {
            plan.Offsets(i / batchBlock, offsets);
            int within = i % batchBlock;
            aAt[i] = (offsets[0] + (plan.Contiguous[0] ? within : 0)) * m * k;
            bAt[i] = (offsets[1] + (plan.Contiguous[1] ? within : 0)) * k * n;
        }

        ReadOnlySpan<T> av = TensorData.Read(a), bv = TensorData.Read(b);
        int rows = batches * (int)m, cols = (int)n, depth = (int)k;
        // One b for a contiguous batch of a (a dense layer on a 3-D input): a single (batches·m × k) product.
        bool stacked = batches > 1 && Enumerable.Range(0, batches).All(q => bAt[q] == bAt[0] && aAt[q] == q * m * k);
        bool blocked = stacked ? UseGemm(rows, depth, cols) : UseGemm((int)m, depth, cols);
        T[]? bColumns = null;
        if (n < 16 && k > 1 && !blocked)
        {
            // Narrow result: b's matrices transposed once, so each output is one contiguous dot product.
            int bMatrices = (int)(bv.Length / Math.Max(1, k * n));
            bColumns = new T[bv.Length];
            for (int q = 0; q < bMatrices; q++)
                for (int kk = 0; kk < k; kk++)
                    for (int j = 0; j < n; j++)
                        bColumns[q * k * n + j * k + kk] = bv[(int)(q * k * n + kk * n + j)];
        }
        if (blocked && stacked)
        {
            fixed (T* ap = av, bp = bv, cp = result)
                Gemm(ap, bp + bAt[0], cp, rows, depth, cols);
            return Create(result, resultShape);
        }
        if (blocked)
        {
            // Large products: the blocked kernel (NumericsOps.Gemm.cs), one matrix pair at a time; small matrices
            // in a large batch run in parallel over the batch (a large one is parallel inside Gemm).
            fixed (T* ap = av, bp = bv, cp = result)
            {
                nint pa = (nint)ap, pb = (nint)bp, pc = (nint)cp;
                void One(int q) => Gemm((T*)pa + aAt[q], (T*)pb + bAt[q], (T*)pc + (long)q * m * n, (int)m, depth, cols);
                if (batches > 1 && m * k * n < 1 << 21 && batches * m * k * n >= 1 << 22) WorkerPool.For(batches, One);
                else for (int q = 0; q < batches; q++) One(q);
            }
            return Create(result, resultShape);
        }
        fixed (T* ap = av, bp = bv)
        {
            nint pa = (nint)ap, pb = (nint)bp;
            ParallelSplit.ForEachRows(rows, (long)depth * Math.Max(cols, 1), (first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    int q = r / (int)m, row = r % (int)m;
                    var aRow = new ReadOnlySpan<T>((T*)pa + aAt[q] + (long)row * depth, depth);
                    Span<T> output = result.AsSpan(r * cols, cols);
                    if (bColumns is not null)
                    {
                        for (int j = 0; j < cols; j++)
                            output[j] = TensorPrimitives.Dot(aRow, bColumns.AsSpan((int)bAt[q] + j * depth, depth));
                        continue;
                    }
                    T* bMatrix = (T*)pb + bAt[q];
                    output.Clear();
                    for (int kk = 0; kk < depth; kk++)
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(bMatrix + (long)kk * cols, cols), aRow[kk], output, output);
                }
            });
        }
        return Create(result, resultShape);
    }
}
