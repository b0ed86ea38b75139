using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Reductions along axes, arg-max/arg-min, softmax and log-softmax.</summary>
public sealed unsafe partial class NumericsOps<T>
{
    /// <summary>Elements summed by one <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/> call (float64) before the
    /// partial sum joins the running total: SIMD speed, rounding error bounded by the piece.</summary>
    private const int SumPiece = 1024;

    /// <inheritdoc/>
    /// <remarks>Sum and mean accumulate in double: along trailing axes and over the whole tensor, float32 values are
    /// first added in pairs in float32 on x86 processors with AVX (one rounding per pair; <see cref="RowSum"/>, README
    /// "Semantics"), else and along other axes each value is widened; max and min propagate NaN;
    /// mean of nothing is NaN; max and min of nothing are refused. Reduced axes that are not trailing are first moved
    /// to the end (one dense copy).</remarks>
    public Tensor<T> Reduce(ReduceOp op, Tensor<T> x, int[]? axes, bool keepDims)
    {
        long[] shape = ShapeOf(x, nameof(x));
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), op, $"Argument `op` must be a ReduceOp. Received: {op}");
        int rank = shape.Length;
        bool[] reduced = ReducedAxes(axes, shape, nameof(x));

        var resultShape = new List<long>();
        long rowLength = 1;
        for (int d = 0; d < rank; d++)
        {
            if (reduced[d]) rowLength *= shape[d];
            if (!reduced[d]) resultShape.Add(shape[d]);
            else if (keepDims) resultShape.Add(1);
        }
        if ((op is ReduceOp.Max or ReduceOp.Min) && rowLength == 0)
            throw new ArgumentException(
                $"Argument `x` must not be empty along the reduced axes of a {op.ToString().ToLowerInvariant()} (it has no identity). Received: x.shape={TensorInfo.FormatShape(shape)}",
                nameof(x));

        // Every path below writes every element (an empty row's sum 0, mean NaN, product 1).
        var result = NumericsResultScope.Allocate<T>(Count(resultShape.ToArray(), nameof(x)));
        if (result.Length == 0) return Create(result, resultShape.ToArray());   // a kept axis of length 0: nothing to reduce into
        int first = Array.IndexOf(reduced, true), last = Array.LastIndexOf(reduced, true);
        bool grouped = first >= 0 && reduced[first..(last + 1)].All(r => r);
        if (grouped && last < rank - 1 && rowLength > 0 && op is not (ReduceOp.Variance or ReduceOp.Std))
        {
            // One group of reduced axes with kept axes after it (e.g. axis 0 of [B, C]): accumulate whole inner rows.
            long outer = 1, inner = 1;
            for (int d = 0; d < first; d++) outer *= shape[d];
            for (int d = last + 1; d < rank; d++) inner *= shape[d];
            ReduceMiddle(op, TensorData.Read(x), result, (int)outer, (int)rowLength, (int)inner);
            return Create(result, resultShape.ToArray());
        }

        // Kept axes first, reduced axes last: then each output element reduces one contiguous row.
        int[] order = [.. Enumerable.Range(0, rank).Where(d => !reduced[d]), .. Enumerable.Range(0, rank).Where(d => reduced[d])];
        bool trailing = order.Select((axis, i) => axis == i).All(same => same);
        Tensor<T> rows = trailing ? x : Permute(x, order);

        ReadOnlySpan<T> values = TensorData.Read(rows);
        int length = (int)rowLength;
        fixed (T* source = values)
            ReduceContiguousRows(op, source, result, length);
        return Create(result, resultShape.ToArray());
    }

    /// <summary>Which axes of a tensor of <paramref name="shape"/> <paramref name="axes"/> reduces (null: all), each
    /// normalised; a repeated axis is refused.</summary>
    private static bool[] ReducedAxes(int[]? axes, long[] shape, string tensorName)
    {
        var reduced = new bool[shape.Length];
        if (axes is null) Array.Fill(reduced, true);
        else
            foreach (int axis in axes)
            {
                int a = NormalizeAxis(axis, shape.Length, nameof(axes), tensorName, shape);
                if (reduced[a])
                    throw new ArgumentException($"Argument `axes` must not repeat an axis. Received: axes=[{string.Join(", ", axes)}]", nameof(axes));
                reduced[a] = true;
            }
        return reduced;
    }

    /// <summary>
    /// Reduces x seen as (outer, length, inner) along the middle: every step adds (or maxes) one contiguous row of
    /// <paramref name="inner"/> values into an accumulator row, SIMD along it, so memory is read in order. Sums and
    /// products accumulate in double. Work is split into (outer, piece of the reduced range, chunk of the inner row)
    /// items; the pieces' partial rows are combined in piece order, so the result does not depend on scheduling.
    /// </summary>
    private static void ReduceMiddle(ReduceOp op, ReadOnlySpan<T> x, T[] result, int outer, int length, int inner)
    {
        const int InnerChunk = 8192;
        bool inDouble = op is ReduceOp.Sum or ReduceOp.Mean or ReduceOp.Prod;
        // Few, short output rows: split the reduced range instead, so that both cores get work.
        int pieces = (long)outer * inner >= 2048 ? 1 : (int)Math.Clamp((long)length * inner / ParallelSplit.MinElementsPerTask, 1, 32);
        int chunk = pieces == 1 ? Math.Min(inner, InnerChunk) : inner;
        int chunks = (inner + chunk - 1) / chunk;
        int perPiece = (length + pieces - 1) / pieces;
        pieces = (length + perPiece - 1) / perPiece;
        double[]? wide = inDouble ? new double[(long)outer * pieces * inner] : null;
        T[]? narrow = inDouble ? null : new T[(long)outer * pieces * inner];
        if (op == ReduceOp.Prod) Array.Fill(wide!, 1.0);
        int items = outer * pieces * chunks;
        fixed (T* source = x)
        fixed (double* accumulators = wide)
        {
            nint s = (nint)source, a = (nint)accumulators;
            [MethodImpl(Hot)]   // else tier-0 code for the first calls (measured 5x)
            void Item(int item)
            {
                int c = item % chunks, piece = item / chunks % pieces, o = item / chunks / pieces;
                int start = c * chunk, width = Math.Min(chunk, inner - start);
                int from = piece * perPiece, to = Math.Min(length, from + perPiece);
                long at = ((long)o * pieces + piece) * inner + start;
                if (op is ReduceOp.Sum or ReduceOp.Mean)
                {
                    AddRows((double*)a + at, (T*)s + ((long)o * length + from) * inner + start, to - from, inner, width);
                    return;
                }
                for (int r = from; r < to; r++)
                {
                    var row = new ReadOnlySpan<T>((T*)s + ((long)o * length + r) * inner + start, width);
                    if (inDouble) MultiplyInto(wide.AsSpan((int)at, width), row);
                    else if (r == from) row.CopyTo(narrow.AsSpan((int)at, width));
                    else if (op == ReduceOp.Max) TensorPrimitives.Max(narrow.AsSpan((int)at, width), row, narrow.AsSpan((int)at, width));
                    else TensorPrimitives.Min(narrow.AsSpan((int)at, width), row, narrow.AsSpan((int)at, width));
                }
            }
            if ((long)outer * length * inner <= 2 * ParallelSplit.MinElementsPerTask || items == 1)
                for (int i = 0; i < items; i++) Item(i);
            else WorkerPool.For(items, Item);
        }
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                long at = (long)o * pieces * inner + i;
                if (inDouble)
                {
                    double v = wide![at];
                    for (int piece = 1; piece < pieces; piece++)
                        v = op == ReduceOp.Prod ? v * wide[at + (long)piece * inner] : v + wide[at + (long)piece * inner];
                    result[o * inner + i] = T.CreateTruncating(op == ReduceOp.Mean ? v / length : v);
                }
                else
                {
                    T v = narrow![at];
                    for (int piece = 1; piece < pieces; piece++)
                        v = op == ReduceOp.Max ? T.Max(v, narrow[at + (long)piece * inner]) : T.Min(v, narrow[at + (long)piece * inner]);
                    result[o * inner + i] = v;
                }
            }
    }

    /// <summary>Rows per block of <see cref="AddRows"/>: 64 rows of up to 100 float32 columns (25 KB) stay in L1 while
    /// each run of columns is summed.</summary>
    private const int AddRowsBlock = 64;

    /// <summary>
    /// acc[0..width) += Σ over <paramref name="rows"/> rows (<paramref name="stride"/> elements apart) of x, in double.
    /// A block of rows at a time, each run of four vectors of T (32 float32 or 16 float64 columns) summed in vector
    /// registers and added to acc once per block: adding every row into acc through memory, a span slice per vector,
    /// took 3.7 ms at axis 0 of (65536, 100) float32 against libtorch's 1.8.
    /// </summary>
    [MethodImpl(Hot)]
    private static void AddRows(double* acc, T* x, int rows, long stride, int width)
    {
        int one = Vector<T>.Count, span = 4 * one;
        for (int r0 = 0; r0 < rows; r0 += AddRowsBlock)
        {
            int n = Math.Min(AddRowsBlock, rows - r0);
            T* block = x + r0 * stride;
            int c = 0;
            for (; c + span <= width; c += span)
            {
                Vector<double> a0 = Vector<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                T* p = block + c;
                for (int r = 0; r < n; r++, p += stride)
                {
                    DoubleLanes<T>.AddWidened(ref a0, ref a1, Vector.Load(p));
                    DoubleLanes<T>.AddWidened(ref a2, ref a3, Vector.Load(p + one));
                    DoubleLanes<T>.AddWidened(ref a4, ref a5, Vector.Load(p + 2 * one));
                    DoubleLanes<T>.AddWidened(ref a6, ref a7, Vector.Load(p + 3 * one));
                }
                double* to = acc + c;
                AddWidenedTo(to, a0, a1);
                AddWidenedTo(to + one, a2, a3);
                AddWidenedTo(to + 2 * one, a4, a5);
                AddWidenedTo(to + 3 * one, a6, a7);
            }
            // Then one vector of T at a time, the last one overlapping the previous columns with those lanes masked
            // off (a column walked element by element costs a 4-cycle add per row).
            if (width >= one)
                while (c < width)
                {
                    int at = Math.Min(c, width - one);
                    Vector<T> keep = Vector.GreaterThanOrEqual(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(c - at)));
                    Vector<double> low = Vector<double>.Zero, high = low;
                    T* p = block + at;
                    for (int r = 0; r < n; r++, p += stride)
                        DoubleLanes<T>.AddWidened(ref low, ref high, Vector.ConditionalSelect(keep, Vector.Load(p), Vector<T>.Zero));
                    AddWidenedTo(acc + at, low, high);
                    c = at + one;
                }
            for (; c < width; c++)
            {
                double sum = 0;
                T* p = block + c;
                for (int r = 0; r < n; r++, p += stride) sum += double.CreateTruncating(*p);
                acc[c] += sum;
            }
        }
    }

    /// <summary>Adds what <see cref="DoubleLanes{T}.AddWidened"/> gathered from one vector of T to the doubles at
    /// <paramref name="to"/> (one vector of T's width): low, then high for float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidenedTo(double* to, Vector<double> low, Vector<double> high)
    {
        Vector.Store(Vector.Load(to) + low, to);
        if (typeof(T) == typeof(float)) Vector.Store(Vector.Load(to + Vector<double>.Count) + high, to + Vector<double>.Count);
    }

    /// <summary>acc ·= row, in double (the product; acc starts at 1). Sums and means take <see cref="AddRows"/>.</summary>
    [MethodImpl(Hot)]
    private static void MultiplyInto(Span<double> acc, ReadOnlySpan<T> row)
    {
        for (int i = 0; i < acc.Length; i++) acc[i] *= double.CreateTruncating(row[i]);
    }

    private static T ReduceRow(ReduceOp op, ReadOnlySpan<T> row) => op switch
    {
        ReduceOp.Sum => T.CreateTruncating(SumInDouble(row)),
        ReduceOp.Mean => T.CreateTruncating(SumInDouble(row) / row.Length),   // 0 / 0 = NaN for an empty row
        ReduceOp.Max => TensorPrimitives.Max(row),   // NaN propagates
        ReduceOp.Min => TensorPrimitives.Min(row),
        ReduceOp.Prod => T.CreateTruncating(ProductInDouble(row)),
        ReduceOp.Variance => T.CreateTruncating(VarianceInDouble(row)),
        ReduceOp.Std => T.CreateTruncating(Math.Sqrt(VarianceInDouble(row))),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Σ row in double: float32 rows are widened to double lanes as they are read (one pass, SIMD, no
    /// float32 rounding at all); float64 rows are summed by <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>
    /// in pieces of <see cref="SumPiece"/> elements.</summary>
    [MethodImpl(Hot)]
    internal static double SumInDouble(ReadOnlySpan<T> row)
    {
        if (typeof(T) == typeof(float)) return SumWidened(MemoryMarshal.Cast<T, float>(row));
        double sum = 0;
        for (int i = 0; i < row.Length; i += SumPiece)
            sum += double.CreateTruncating(TensorPrimitives.Sum(row.Slice(i, Math.Min(SumPiece, row.Length - i))));
        return sum;
    }

    [MethodImpl(Hot)]
    private static double SumWidened(ReadOnlySpan<float> x)
    {
        int width = Vector<float>.Count, i = 0;
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero, s2 = Vector<double>.Zero, s3 = Vector<double>.Zero;
        for (; i + 2 * width <= x.Length; i += 2 * width)
        {
            Vector.Widen(new Vector<float>(x[i..]), out Vector<double> a, out Vector<double> b);
            Vector.Widen(new Vector<float>(x[(i + width)..]), out Vector<double> c, out Vector<double> d);
            s0 += a; s1 += b; s2 += c; s3 += d;
        }
        for (; i + width <= x.Length; i += width)
        {
            Vector.Widen(new Vector<float>(x[i..]), out Vector<double> a, out Vector<double> b);
            s0 += a; s1 += b;
        }
        double sum = Vector.Sum((s0 + s1) + (s2 + s3));
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    private static double ProductInDouble(ReadOnlySpan<T> row)
    {
        double product = 1;
        foreach (T v in row) product *= double.CreateTruncating(v);
        return product;
    }

    // ---- Arg-max / arg-min ----

    /// <inheritdoc/>
    public Tensor<T> ArgMax(Tensor<T> x, int axis, bool keepDims) => ArgExtreme(x, axis, keepDims, max: true);

    /// <inheritdoc/>
    /// <remarks>A NaN counts as the smallest (NumPy's argmin returns the first NaN too).</remarks>
    public Tensor<T> ArgMin(Tensor<T> x, int axis, bool keepDims) => ArgExtreme(x, axis, keepDims, max: false);

    private static Tensor<T> ArgExtreme(Tensor<T> x, int axis, bool keepDims, bool max)
    {
        long[] shape = ShapeOf(x, nameof(x));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        if (shape[axis] == 0)
            throw new ArgumentException(
                $"Argument `x` must not be empty along `axis` for an arg-{(max ? "max" : "min")}. Received: x.shape={TensorInfo.FormatShape(shape)}, axis={axis}",
                nameof(x));
        var layout = RowLayout.Around(shape, axis);
        ReadOnlySpan<T> values = TensorData.Read(x);
        var result = NumericsResultScope.Allocate<T>(layout.Rows);   // every row written below
        fixed (T* source = values)
        {
            if (layout.Inner == 1) ArgExtremeContiguousRows(source, result, layout.Classes, max);
            else
            {
                nint s = (nint)source;
                layout.ForEachChunk((first, end) =>
                {
                    var gathered = new T[layout.Classes];
                    for (int r = first; r < end; r++)
                        fixed (T* row = RowOf((T*)s, layout, r, gathered))
                            result[r] = T.CreateTruncating(RowIndexOfExtreme(row, layout.Classes, max));
                });
            }
        }
        long[] resultShape = keepDims ? shape.Select((d, i) => i == axis ? 1 : d).ToArray() : Shapes.Without(shape, axis);
        return Create(result, resultShape);
    }

    /// <summary>Row <paramref name="r"/> of the layout: in place when the axis is last, else gathered into
    /// <paramref name="gathered"/>.</summary>
    [MethodImpl(Hot)]
    private static ReadOnlySpan<T> RowOf(T* source, RowLayout layout, int r, T[]? gathered)
    {
        int start = layout.Start(r);
        if (gathered is null) return new ReadOnlySpan<T>(source + start, layout.Classes);
        for (int c = 0; c < layout.Classes; c++) gathered[c] = source[start + c * layout.Inner];
        return gathered.AsSpan(0, layout.Classes);
    }

    // ---- Softmax ----

    /// <inheritdoc/>
    public Tensor<T> Softmax(Tensor<T> x, int axis) => SoftmaxAlong(x, axis, log: false);

    /// <inheritdoc/>
    public Tensor<T> LogSoftmax(Tensor<T> x, int axis) => SoftmaxAlong(x, axis, log: true);

    /// <summary>Per row: m = max, e = exp(x − m), then e / Σe or (x − m) − log Σe. A NaN anywhere in a row makes the
    /// whole row NaN (as TensorFlow).</summary>
    private static Tensor<T> SoftmaxAlong(Tensor<T> x, int axis, bool log)
    {
        long[] shape = ShapeOf(x, nameof(x));
        axis = NormalizeAxis(axis, shape.Length, nameof(axis), nameof(x), shape);
        ReadOnlySpan<T> values = TensorData.Read(x);
        var result = NumericsResultScope.Allocate<T>(values.Length);
        if (result.Length == 0) return Tensor.Create(result, x.Lengths);
        var layout = RowLayout.Around(shape, axis);
        if (layout.Inner == 1)
        {
            fixed (T* source = values, destination = result)
                SoftmaxContiguousRows(source, destination, layout.Rows, layout.Classes, log);
            return Tensor.Create(result, x.Lengths);
        }
        fixed (T* source = values, destination = result)
        {
            nint s = (nint)source, dp = (nint)destination;
            layout.ForEachChunk((first, end) =>
            {
                int classes = layout.Classes;
                bool strided = layout.Inner != 1;
                T[] buffer = ArrayPool<T>.Shared.Rent(strided ? 3 * classes : classes);
                T[]? gathered = strided ? buffer : null;
                for (int r = first; r < end; r++)
                {
                    ReadOnlySpan<T> row = RowOf((T*)s, layout, r, gathered);
                    Span<T> output = strided ? buffer.AsSpan(classes, classes) : new Span<T>((T*)dp + layout.Start(r), classes);
                    Span<T> work = buffer.AsSpan(strided ? 2 * classes : 0, classes);
                    SoftmaxRow(row, output, TensorPrimitives.Max(row), work, log);
                    if (strided)
                    {
                        T* d = (T*)dp + layout.Start(r);
                        for (int c = 0; c < classes; c++) d[c * layout.Inner] = output[c];
                    }
                }
                ArrayPool<T>.Shared.Return(buffer);
            });
        }
        return Tensor.Create(result, x.Lengths);
    }
}
