using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrossBackend;

/// <summary>
/// The whole-tensor losses of <see cref="IFusedWholeTensorLoss{TTensor}"/> (dice and tversky over every element,
/// l2_regularization's scaled Σ p²) from dense memory in one pass: Σ y·p, Σ y and Σ p (or Σ p² alone) together, then
/// the loss finished in T. The channels-last engine runs it over its arrays and the torch engine over a contiguous CPU
/// tensor's storage; each engine's fused path is still held to that engine's own composed path by the
/// fused-vs-composed tests.
/// </summary>
/// <remarks>
/// The composed path's rounding steps: each product (or square) is rounded to T before it is added, the sums are
/// rounded to T once, and the rest of the formula is taken in T in the loss file's order with its constants rounded to
/// T. The sums themselves are more precise than a float32 reduction needs (double lanes; float32 values first in
/// runs of <see cref="FloatRun"/> per lane, see <see cref="FloatRunSums"/>), so they agree with any engine's composed
/// reduction to within that reduction's own error.
/// </remarks>
internal static unsafe class WholeTensorSums<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>float32 values each lane adds in float before its sum joins the double accumulators.</summary>
    private const int FloatRun = 16;

    private const MethodImplOptions Hot = MethodImplOptions.AggressiveOptimization;

    /// <summary>Keras's ε of the composed dice and tversky (<see cref="KerasEpsilon"/>), rounded to T.</summary>
    private static T Epsilon => ClipBounds<T>.Low;

    /// <summary>The loss of <paramref name="kind"/> over <paramref name="n"/> elements of <paramref name="output"/> and
    /// (not for <see cref="WholeTensorLossKind.ScaledSumOfSquares"/>) <paramref name="target"/>; <paramref name="first"/>
    /// and <paramref name="second"/> are the kind's parameters (tversky's α and β; l2's factor), ε is <see cref="Epsilon"/>.</summary>
    public static T Loss(WholeTensorLossKind kind, double first, double second, T* target, T* output, int n)
    {
        bool squares = kind == WholeTensorLossKind.ScaledSumOfSquares;
        (double products, double targets, double outputs) = ThreeSums(output, squares ? output : target, n, squares);
        switch (kind)
        {
            case WholeTensorLossKind.Dice:
            {
                // 1 − (I·2) / ((Σy + Σp) + ε)
                T intersection = T.CreateTruncating(products);
                T denominator = T.CreateTruncating(targets) + T.CreateTruncating(outputs) + Epsilon;
                return T.One - intersection * T.CreateTruncating(2) / denominator;
            }
            case WholeTensorLossKind.Tversky:
            {
                // 1 − TP / (((TP + (Σy − TP)·α) + (Σp − TP)·β) + ε)
                T truePositives = T.CreateTruncating(products);
                T missed = T.CreateTruncating(targets) - truePositives, extra = T.CreateTruncating(outputs) - truePositives;
                T denominator = truePositives + missed * T.CreateTruncating(first) + extra * T.CreateTruncating(second) + Epsilon;
                return T.One - truePositives / denominator;
            }
            default:
                return T.CreateTruncating(products) * T.CreateTruncating(first);   // factor · Σ p²
        }
    }

    /// <summary>Σ y·p, Σ y and Σ p in double over every element (with <paramref name="squares"/>, y is p and only Σ p·p
    /// is wanted), in parallel pieces added in piece order (the result does not depend on scheduling).</summary>
    private static (double Products, double Targets, double Outputs) ThreeSums(T* p, T* y, int n, bool squares)
    {
        int chunk = ParallelSplit.ElementsPerTask(n), pieces = (n + chunk - 1) / chunk;
        var partial = new double[3 * pieces];
        nint sp = (nint)p, sy = (nint)y;
        [MethodImpl(Hot)]
        void Piece(int piece)
        {
            int start = piece * chunk, length = Math.Min(chunk, n - start);
            SumsOf((T*)sp + start, (T*)sy + start, length, squares, out partial[3 * piece], out partial[3 * piece + 1], out partial[3 * piece + 2]);
        }
        if (pieces == 1) Piece(0);
        else WorkerPool.For(pieces, Piece);
        double products = 0, targets = 0, outputs = 0;
        for (int piece = 0; piece < pieces; piece++)
        {
            products += partial[3 * piece];
            targets += partial[3 * piece + 1];
            outputs += partial[3 * piece + 2];
        }
        return (products, targets, outputs);
    }

    /// <summary>The three sums of one piece: each product rounded to T, then added in double lanes (float64 as they
    /// come; float32 first in runs, <see cref="FloatRunSums"/>), the tail element by element.</summary>
    [MethodImpl(Hot)]
    private static void SumsOf(T* p, T* y, int length, bool squares, out double products, out double targets, out double outputs)
    {
        int w = Vector<T>.Count, i = 0;
        Vector<double> yp0 = Vector<double>.Zero, yp1 = Vector<double>.Zero, y0 = Vector<double>.Zero, y1 = Vector<double>.Zero,
            p0 = Vector<double>.Zero, p1 = Vector<double>.Zero;
        if (Vector.IsHardwareAccelerated)
        {
            if (typeof(T) == typeof(float))
                i = FloatRunSums((float*)p, (float*)y, length, squares, ref yp0, ref yp1, ref y0, ref y1, ref p0, ref p1);
            for (; i <= length - w; i += w)
            {
                Vector<T> pv = Vector.Load(p + i);
                if (squares)
                {
                    DoubleLanes<T>.AddWidened(ref yp0, ref yp1, pv * pv);
                    continue;
                }
                Vector<T> yv = Vector.Load(y + i);
                DoubleLanes<T>.AddWidened(ref yp0, ref yp1, yv * pv);
                DoubleLanes<T>.AddWidened(ref y0, ref y1, yv);
                DoubleLanes<T>.AddWidened(ref p0, ref p1, pv);
            }
        }
        products = Vector.Sum(yp0 + yp1);
        targets = Vector.Sum(y0 + y1);
        outputs = Vector.Sum(p0 + p1);
        for (; i < length; i++)
        {
            if (squares)
            {
                products += double.CreateTruncating(p[i] * p[i]);
                continue;
            }
            products += double.CreateTruncating(y[i] * p[i]);
            targets += double.CreateTruncating(y[i]);
            outputs += double.CreateTruncating(p[i]);
        }
    }

    /// <summary>
    /// float32 sums of <see cref="FloatRun"/> values per lane (two sets of float accumulators of 8 values each, then
    /// added), widened once into the double accumulators; returns the number of elements consumed (whole runs).
    /// Widening every vector as it is read made the pass compute-bound: three widenings and six double adds per
    /// vector, measured 2.9–3.6 ms on one thread at 6.5M elements against 1.8–2.1 ms this way, about the time of
    /// reading both inputs. A run's float sum of 16 values carries a few float32 roundings at most; added in double and
    /// rounded to float32 once, the result stays within about an ulp of the all-double sum.
    /// </summary>
    [MethodImpl(Hot)]
    private static int FloatRunSums(float* p, float* y, int length, bool squares, ref Vector<double> yp0, ref Vector<double> yp1,
        ref Vector<double> y0, ref Vector<double> y1, ref Vector<double> p0, ref Vector<double> p1)
    {
        int w = Vector<float>.Count, run = FloatRun * w, i = 0;
        while (i <= length - run)
        {
            Vector<float> products = Vector<float>.Zero, products2 = Vector<float>.Zero, targets = Vector<float>.Zero,
                targets2 = Vector<float>.Zero, outputs = Vector<float>.Zero, outputs2 = Vector<float>.Zero;
            int end = i + run;
            if (squares)
                for (; i < end; i += 2 * w)
                {
                    Vector<float> pv = Vector.Load(p + i), pv2 = Vector.Load(p + i + w);
                    products += pv * pv;
                    products2 += pv2 * pv2;
                }
            else
                for (; i < end; i += 2 * w)
                {
                    Vector<float> pv = Vector.Load(p + i), yv = Vector.Load(y + i), pv2 = Vector.Load(p + i + w), yv2 = Vector.Load(y + i + w);
                    products += yv * pv;
                    targets += yv;
                    outputs += pv;
                    products2 += yv2 * pv2;
                    targets2 += yv2;
                    outputs2 += pv2;
                }
            DoubleLanes<float>.AddWidened(ref yp0, ref yp1, products + products2);
            if (squares) continue;
            DoubleLanes<float>.AddWidened(ref y0, ref y1, targets + targets2);
            DoubleLanes<float>.AddWidened(ref p0, ref p1, outputs + outputs2);
        }
        return i;
    }
}
