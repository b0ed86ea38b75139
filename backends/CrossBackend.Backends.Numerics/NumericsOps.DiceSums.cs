using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The Dice score's three sums (<see cref="IFusedDiceSums{TTensor}"/>) in one pass: for a channels-last mask
/// (Batch, H·W…, C) summed over the spatial axes, each (batch, spatial position) row of C contiguous values is read
/// once and added to 3·C double accumulators (products and squares rounded to T first, as the composed
/// Dot/Square round them; sums in double, as the engine's Reduce sums). The composed path made a product tensor and
/// three reductions over a middle axis (reading p twice, y twice and the product once).
/// </summary>
public sealed partial class NumericsOps<T> : IFusedDiceSums<Tensor<T>>
{
    /// <summary>Elements of one parallel piece of a (batch) block; pieces' partial sums are added in piece order, so
    /// the result does not depend on scheduling.</summary>
    private const int DiceSumsPiece = 1 << 16;

    /// <inheritdoc/>
    /// <remarks>Served when the summed axes are one contiguous block with at least one axis kept after it (the
    /// channels-last case); any other case (or an empty tensor) is declined.</remarks>
    public (Tensor<T> Intersection, Tensor<T> PredSum, Tensor<T> TrueSum)? DiceSums(Tensor<T> p, Tensor<T> y, int[] axes, bool squares)
    {
        long[] shape = ShapeOf(p, nameof(p));
        if (!ShapeOf(y, nameof(y)).AsSpan().SequenceEqual(shape) || axes.Length == 0 || Shapes.Count(shape) == 0) return null;
        int[] sorted = axes.Order().ToArray();
        if (sorted[0] < 0 || sorted[^1] >= shape.Length - 1 || sorted[^1] - sorted[0] != sorted.Length - 1 || sorted.Distinct().Count() != sorted.Length)
            return null;
        long outer = 1, summed = 1, inner = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (d < sorted[0]) outer *= shape[d];
            else if (d <= sorted[^1]) summed *= shape[d];
            else inner *= shape[d];
        }
        if (outer * summed * inner > int.MaxValue) return null;
        int blocks = (int)outer, length = (int)summed, width = (int)inner;
        // Pieces of each block's spatial rows, so that a small batch still fills the cores.
        int rowsPerPiece = Math.Max(1, DiceSumsPiece / width), pieces = (length + rowsPerPiece - 1) / rowsPerPiece;
        var partial = new double[(long)blocks * pieces * 3 * width];
        unsafe
        {
            fixed (T* pp = TensorData.Read(p), py = TensorData.Read(y))
            {
                nint sp = (nint)pp, sy = (nint)py;
                void Piece(int item)
                {
                    int block = item / pieces, first = item % pieces * rowsPerPiece, end = Math.Min(length, first + rowsPerPiece);
                    long offset = ((long)block * length + first) * width;
                    fixed (double* acc = &partial[(long)item * 3 * width])
                        DiceSumRows((T*)sp + offset, (T*)sy + offset, end - first, width, squares, acc);
                }
                int items = blocks * pieces;
                if ((long)items * rowsPerPiece * width <= 2L * DiceSumsPiece)
                    for (int item = 0; item < items; item++) Piece(item);
                else WorkerPool.For(items, [MethodImpl(Hot)] (item) => Piece(item));
            }
        }
        var intersection = new T[blocks * width];
        var pSum = new T[blocks * width];
        var ySum = new T[blocks * width];
        for (int block = 0; block < blocks; block++)
            for (int j = 0; j < width; j++)
            {
                double a = 0, b = 0, c = 0;
                for (int piece = 0; piece < pieces; piece++)
                {
                    long at = ((long)block * pieces + piece) * 3 * width + j;
                    a += partial[at];
                    b += partial[at + width];
                    c += partial[at + 2 * width];
                }
                intersection[block * width + j] = T.CreateTruncating(a);
                pSum[block * width + j] = T.CreateTruncating(b);
                ySum[block * width + j] = T.CreateTruncating(c);
            }
        long[] resultShape = [.. shape[..sorted[0]], .. shape[(sorted[^1] + 1)..]];
        return (Create(intersection, resultShape), Create(pSum, resultShape), Create(ySum, resultShape));
    }

    /// <summary>
    /// Adds <paramref name="rows"/> rows of <paramref name="width"/> values to acc[0..w) (Σ p·y), acc[w..2w) (Σ p or
    /// Σ p²) and acc[2w..3w) (Σ y or Σ y²). Full vectors of a row go through double vector accumulators held in
    /// <paramref name="acc"/> (3·C doubles: L1-resident); the row's tail lanes element by element.
    /// </summary>
    [MethodImpl(Hot)]
    private static unsafe void DiceSumRows(T* p, T* y, int rows, int width, bool squares, double* acc)
    {
        int w = Vector<T>.Count, full = Vector.IsHardwareAccelerated ? width / w * w : 0;
        new Span<double>(acc, 3 * width).Clear();
        double* aPY = acc, aP = acc + width, aY = acc + 2 * width;
        if (typeof(T) == typeof(float) && full > 0)
        {
            // Whole runs of rows through float lanes first, every column (the rows left over below).
            int done = FloatRunRows((float*)p, (float*)y, rows, width, full, squares, acc);
            p += (long)done * width;
            y += (long)done * width;
            rows -= done;
        }
        for (int r = 0; r < rows; r++, p += width, y += width)
        {
            for (int i = 0; i < full; i += w)
            {
                Vector<T> pv = Vector.Load(p + i), yv = Vector.Load(y + i);
                AddLanes(aPY + i, pv * yv);
                AddLanes(aP + i, squares ? pv * pv : pv);
                AddLanes(aY + i, squares ? yv * yv : yv);
            }
            for (int i = full; i < width; i++) AddElement(p[i], y[i], i);
        }

        void AddElement(T a, T b, int i)
        {
            aPY[i] += double.CreateTruncating(a * b);
            aP[i] += double.CreateTruncating(squares ? a * a : a);
            aY[i] += double.CreateTruncating(squares ? b * b : b);
        }
    }

    /// <summary>Rows of one run, added in float lanes before they join the double accumulators: 32 rather than 16
    /// halves the widening adds into acc (one thread, 65536 × 100: 2.5–2.6 → 2.2–2.3 ms in a scratch copy).</summary>
    private const int DiceFloatRun = 32;

    /// <summary>
    /// The full vectors of whole runs of <see cref="DiceFloatRun"/> rows: each column vector's three sums over a run
    /// (the run's rows are a few KB, in L1) in float lanes, then widened once into acc. Widening every row's vectors
    /// into double accumulators held in memory made the pass compute-bound (two loads, two stores and two adds per
    /// widened half). Four column vectors go together (<see cref="FourColumns"/>): one column's three sums are three
    /// chains of dependent adds, each waiting for the previous row's add, and twelve chains keep the adders busy (one
    /// thread, 65536 × 100 float32: 3.5–4.1 → 2.3–2.8 ms; reading both inputs once takes 0.9–1.1 ms). Returns the
    /// number of rows done. Each run's float sum of 32 values carries a few float32 roundings at most; added in double
    /// and rounded to float32 once, the sums stay within about an ulp of the all-double ones (the fused-vs-composed
    /// tests hold them to the dtype's tolerance).
    /// </summary>
    [MethodImpl(Hot)]
    private static unsafe int FloatRunRows(float* p, float* y, int rows, int width, int full, bool squares, double* acc)
    {
        int w = Vector<float>.Count, runs = rows / DiceFloatRun;
        for (int run = 0; run < runs; run++, p += DiceFloatRun * width, y += DiceFloatRun * width)
        {
            int i = 0;
            for (; i + 4 * w <= full; i += 4 * w) FourColumns(p + i, y + i, width, squares, acc + i);
            for (; i < full; i += w) OneColumn(p, y, width, i, Vector<float>.AllBitsSet, squares, acc);
            if (full < width)
            {
                // The row's last vector overlaps the full ones: its lanes before `full` are masked to zero. Element by
                // element these 4 columns of 100 cost as much as a quarter of the pass.
                int start = width - w;
                var keep = Vector.AsVectorSingle(Vector.GreaterThanOrEqual(Vector<int>.Indices, new Vector<int>(full - start)));
                OneColumn(p, y, width, start, keep, squares, acc);
            }
        }
        return runs * DiceFloatRun;
    }

    /// <summary>One run's three sums for the column vector at <paramref name="column"/>, its lanes outside
    /// <paramref name="keep"/> read as zero, added into acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void OneColumn(float* p, float* y, int width, int column, Vector<float> keep, bool squares, double* acc)
    {
        Vector<float> products = Vector<float>.Zero, outputs = Vector<float>.Zero, targets = Vector<float>.Zero;
        p += column;
        y += column;
        for (int r = 0; r < DiceFloatRun; r++, p += width, y += width)
        {
            Vector<float> pv = Vector.Load(p) & keep, yv = Vector.Load(y) & keep;
            products += pv * yv;
            outputs += squares ? pv * pv : pv;
            targets += squares ? yv * yv : yv;
        }
        AddLanes(acc + column, Vector.As<float, T>(products));
        AddLanes(acc + width + column, Vector.As<float, T>(outputs));
        AddLanes(acc + 2 * width + column, Vector.As<float, T>(targets));
    }

    /// <summary>One run's three sums for four adjacent column vectors starting at <paramref name="p"/> and
    /// <paramref name="y"/>, added into acc (Σ p·y at acc, Σ p or Σ p² at acc + width, Σ y or Σ y² at acc + 2·width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FourColumns(float* p, float* y, int width, bool squares, double* acc)
    {
        int w = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector<float> b0 = default, b1 = default, b2 = default, b3 = default;
        Vector<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int r = 0; r < DiceFloatRun; r++, p += width, y += width)
        {
            Vector<float> p0 = Vector.Load(p), p1 = Vector.Load(p + w), p2 = Vector.Load(p + 2 * w), p3 = Vector.Load(p + 3 * w);
            Vector<float> y0 = Vector.Load(y), y1 = Vector.Load(y + w), y2 = Vector.Load(y + 2 * w), y3 = Vector.Load(y + 3 * w);
            a0 += p0 * y0; a1 += p1 * y1; a2 += p2 * y2; a3 += p3 * y3;
            if (squares)
            {
                b0 += p0 * p0; b1 += p1 * p1; b2 += p2 * p2; b3 += p3 * p3;
                c0 += y0 * y0; c1 += y1 * y1; c2 += y2 * y2; c3 += y3 * y3;
            }
            else
            {
                b0 += p0; b1 += p1; b2 += p2; b3 += p3;
                c0 += y0; c1 += y1; c2 += y2; c3 += y3;
            }
        }
        double* b = acc + width, c = acc + 2 * width;
        AddLanes(acc, Vector.As<float, T>(a0)); AddLanes(acc + w, Vector.As<float, T>(a1));
        AddLanes(acc + 2 * w, Vector.As<float, T>(a2)); AddLanes(acc + 3 * w, Vector.As<float, T>(a3));
        AddLanes(b, Vector.As<float, T>(b0)); AddLanes(b + w, Vector.As<float, T>(b1));
        AddLanes(b + 2 * w, Vector.As<float, T>(b2)); AddLanes(b + 3 * w, Vector.As<float, T>(b3));
        AddLanes(c, Vector.As<float, T>(c0)); AddLanes(c + w, Vector.As<float, T>(c1));
        AddLanes(c + 2 * w, Vector.As<float, T>(c2)); AddLanes(c + 3 * w, Vector.As<float, T>(c3));
    }

    /// <summary>acc[0..W) += the lanes of <paramref name="values"/> in double (float32 widened, exactly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddLanes(double* acc, Vector<T> values)
    {
        if (typeof(T) == typeof(double))
        {
            Vector.Store(Vector.Load(acc) + Vector.As<T, double>(values), acc);
            return;
        }
        Vector.Widen(Vector.As<T, float>(values), out Vector<double> low, out Vector<double> high);
        int half = Vector<double>.Count;
        Vector.Store(Vector.Load(acc) + low, acc);
        Vector.Store(Vector.Load(acc + half) + high, acc + half);
    }
}
