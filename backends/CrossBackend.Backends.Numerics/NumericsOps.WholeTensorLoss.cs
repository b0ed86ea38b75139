using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The whole-tensor losses (<see cref="IFusedWholeTensorLoss{TTensor}"/>: dice and tversky over every element,
/// l2_regularization's scaled Σ p²) in one pass over the inputs: Σ y·p, Σ y and Σ p (or Σ p²) together, where the
/// composed path reads y_pred three times (a dot product and two sums).
/// </summary>
/// <remarks>
/// The composed path's rounding steps: each product (or square) is rounded to T before it is added, each sum is
/// accumulated in double and rounded to T once (as <see cref="Dot"/> and <see cref="Reduce"/> round them), and the
/// rest of the formula is taken in T in the loss file's order with its constants rounded to T. Only the order in
/// which the double accumulators add differs, far below T's resolution.
/// </remarks>
public sealed unsafe partial class NumericsOps<T> : IFusedWholeTensorLoss<Tensor<T>>
{
    /// <inheritdoc/>
    /// <remarks>Declines (null) an unknown kind, a missing or differently shaped target, empty tensors and a
    /// non-finite parameter.</remarks>
    public Tensor<T>? WholeTensorLoss(WholeTensorLossKind kind, double first, double second, Tensor<T>? target, Tensor<T> output)
    {
        if (!Enum.IsDefined(kind) || !double.IsFinite(first) || !double.IsFinite(second)) return null;
        long[] shape = ShapeOf(output, nameof(output));
        bool squares = kind == WholeTensorLossKind.ScaledSumOfSquares;
        if (!squares && (target is null || !ShapeOf(target, nameof(target)).AsSpan().SequenceEqual(shape))) return null;
        ReadOnlySpan<T> p = TensorData.Read(output);
        if (p.Length == 0) return null;
        ReadOnlySpan<T> y = squares ? p : TensorData.Read(target!);
        (double products, double targets, double outputs) = ThreeSums(p, y, squares);

        T epsilon = Epsilon;
        T loss;
        switch (kind)
        {
            case WholeTensorLossKind.Dice:
            {
                // 1 − (I·2) / ((Σy + Σp) + ε)
                T intersection = T.CreateTruncating(products);
                T denominator = T.CreateTruncating(targets) + T.CreateTruncating(outputs) + epsilon;
                loss = T.One - intersection * T.CreateTruncating(2) / denominator;
                break;
            }
            case WholeTensorLossKind.Tversky:
            {
                // 1 − TP / (((TP + (Σy − TP)·α) + (Σp − TP)·β) + ε)
                T truePositives = T.CreateTruncating(products);
                T missed = T.CreateTruncating(targets) - truePositives, extra = T.CreateTruncating(outputs) - truePositives;
                T denominator = truePositives + missed * T.CreateTruncating(first) + extra * T.CreateTruncating(second) + epsilon;
                loss = T.One - truePositives / denominator;
                break;
            }
            default:
                loss = T.CreateTruncating(products) * T.CreateTruncating(first);   // factor · Σ p²
                break;
        }
        return Create([loss], []);
    }

    /// <summary>Σ y·p, Σ y and Σ p in double over every element (with <paramref name="squares"/>, y is p and only Σ p·p
    /// is wanted), in parallel pieces added in piece order (the result does not depend on scheduling).</summary>
    private static (double Products, double Targets, double Outputs) ThreeSums(ReadOnlySpan<T> p, ReadOnlySpan<T> y, bool squares)
    {
        int n = p.Length, chunk = ParallelSplit.ElementsPerTask(n), pieces = (n + chunk - 1) / chunk;
        var partial = new double[3 * pieces];
        fixed (T* pp = p, py = y)
        {
            nint sp = (nint)pp, sy = (nint)py;
            [MethodImpl(Hot)]
            void Piece(int piece)
            {
                int start = piece * chunk, length = Math.Min(chunk, n - start);
                SumsOf((T*)sp + start, (T*)sy + start, length, squares, out partial[3 * piece], out partial[3 * piece + 1], out partial[3 * piece + 2]);
            }
            if (pieces == 1) Piece(0);
            else WorkerPool.For(pieces, Piece);
        }
        double products = 0, targets = 0, outputs = 0;
        for (int piece = 0; piece < pieces; piece++)
        {
            products += partial[3 * piece];
            targets += partial[3 * piece + 1];
            outputs += partial[3 * piece + 2];
        }
        return (products, targets, outputs);
    }

    /// <summary>The three sums of one piece: each product rounded to T, then every value widened to double lanes, the
    /// low and high halves of a float32 vector in separate accumulators (two chains of adds per sum).</summary>
    [MethodImpl(Hot)]
    private static void SumsOf(T* p, T* y, int length, bool squares, out double products, out double targets, out double outputs)
    {
        int w = Vector<T>.Count, i = 0;
        Vector<double> yp0 = Vector<double>.Zero, yp1 = Vector<double>.Zero, y0 = Vector<double>.Zero, y1 = Vector<double>.Zero,
            p0 = Vector<double>.Zero, p1 = Vector<double>.Zero;
        for (; i <= length - w; i += w)
        {
            Vector<T> pv = Vector.Load(p + i);
            if (squares)
            {
                RowMath<T>.AddWidened(ref yp0, ref yp1, pv * pv);
                continue;
            }
            Vector<T> yv = Vector.Load(y + i);
            RowMath<T>.AddWidened(ref yp0, ref yp1, yv * pv);
            RowMath<T>.AddWidened(ref y0, ref y1, yv);
            RowMath<T>.AddWidened(ref p0, ref p1, pv);
        }
        products = Vector.Sum(yp0 + yp1);
        targets = Vector.Sum(y0 + y1);
        outputs = Vector.Sum(p0 + p1);
        for (; i < length; i++)
        {
            products += double.CreateTruncating(y[i] * p[i]);
            targets += double.CreateTruncating(y[i]);
            outputs += double.CreateTruncating(p[i]);
        }
    }
}
