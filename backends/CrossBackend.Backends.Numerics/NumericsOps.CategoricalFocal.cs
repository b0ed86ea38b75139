using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The fused categorical focal crossentropy (<see cref="PointwiseLossKind.CategoricalFocalCrossentropy"/>) with one
/// α, class axis last: per row, Σ α·(1 − p)^γ·(−y·log p) with p = clip(x / Σx, ε, 1 − ε), y smoothed by ls/C, in one
/// sweep over the row after its sum (the second look is served from L1). The composed path makes eight full-size
/// temporaries; this makes none (logits: one, the softmax, which is the engine's own op).
/// </summary>
/// <remarks>
/// <para>Same operations in the same order as the composed definition, each rounded to T: the row sum in double
/// rounded to T, x / Σ, the clip with bounds in T, log, −(y·log p), (1 − p)^γ by <see cref="PowScalar"/> (squares and
/// cubes as products, as the composed Pow), ·α, the product, the row's terms summed in double (the engine's policy).
/// No fused multiply-add. The only differences left: the log is the vector log where the composed op may take the
/// scalar one for a short row, and the summation order.</para>
/// <para>A vector of labels that is all zero contributes ±0 exactly (p is finite and positive, so −(0·log p)·w = ∓0)
/// and is skipped: one-hot rows cost one log vector. This holds because a row is only computed here when its sum
/// rounded to T is finite and non-zero (then every x is finite and every clipped p is in [ε, 1 − ε]). Any other row
/// (NaN, ±∞, a zero sum) makes the kernel decline the whole call, and the composed path, the definition, computes
/// it. Labels are not checked: a NaN or ∞ label flows through the same operations as in the composed path.</para>
/// </remarks>
public sealed partial class NumericsOps<T>
{
    /// <summary>The per-row losses (or their mean) of the categorical focal kind along the last axis, or null to
    /// decline (a row with a non-finite or zero sum, or a layout other than class axis last).</summary>
    private Tensor<T>? CategoricalFocal(PointwiseLossParameters o, Tensor<T> target, Tensor<T> output, long[] shape, bool meanOverAll)
    {
        Tensor<T> probabilities = o.FromLogits ? Softmax(output, shape.Length - 1) : output;
        var layout = RowLayout.Around(shape, shape.Length - 1);
        var loss = new T[layout.Rows];
        var focal = new CategoricalFocalRows(o, layout.Classes);
        int declined = 0;
        unsafe
        {
            fixed (T* x = TensorData.Read(probabilities), y = TensorData.Read(target), l = loss)
            {
                nint xp = (nint)x, yp = (nint)y, lp = (nint)l;
                layout.ForEachChunk([MethodImpl(Hot)] (first, end) =>
                {
                    if (!focal.Rows((T*)xp, (T*)yp, (T*)lp, first, end)) Volatile.Write(ref declined, 1);
                });
            }
        }
        if (declined != 0) return null;
        if (!meanOverAll) return Create(loss, Shapes.Without(shape, shape.Length - 1));
        return Tensor.Create([MeanOf(loss)], [1]);   // of the per-sample values rounded to T first, as composed
    }

    /// <summary>The row kernel with the options rounded to T once.</summary>
    private readonly unsafe struct CategoricalFocalRows
    {
        private readonly int classes;
        private readonly T gamma, alpha, keep, share, epsilon, upper;
        private readonly bool smooth, hasGamma;

        public CategoricalFocalRows(PointwiseLossParameters o, int classes)
        {
            this.classes = classes;
            gamma = T.CreateTruncating(o.Gamma);
            hasGamma = o.Gamma != 0;
            alpha = T.CreateTruncating(o.Alpha ?? 1);
            smooth = o.LabelSmoothing > 0;
            keep = T.CreateTruncating(1 - o.LabelSmoothing);
            share = T.CreateTruncating(o.LabelSmoothing / classes);
            epsilon = ClipBounds<T>.Low;
            upper = ClipBounds<T>.High;   // as Clip(p, ε, 1 − ε) rounds its bounds
        }

        /// <summary>Rows [first, end); false when a row's sum is not finite or is zero (the caller declines).</summary>
        [MethodImpl(Hot)]
        public bool Rows(T* x, T* y, T* loss, int first, int end)
        {
            int w = Vector<T>.Count;
            Span<T> lanes = stackalloc T[w];
            for (int r = first; r < end; r++)
            {
                T* xs = x + (long)r * classes, ys = y + (long)r * classes;
                T total = T.CreateTruncating(SumInDouble(new ReadOnlySpan<T>(xs, classes)));
                if (!T.IsFinite(total) || total == T.Zero) return false;
                loss[r] = T.CreateTruncating(classes < w ? ScalarRow(xs, ys, total) : VectorRow(xs, ys, total, lanes));
            }
            return true;
        }

        [MethodImpl(Hot)]
        private double VectorRow(T* x, T* y, T total, Span<T> lanes)
        {
            int w = Vector<T>.Count, full = classes / w * w, last = classes - w;
            var s = new Vector<T>(total);
            Vector<double> acc = Vector<double>.Zero;
            for (int i = 0; i < full; i += w)
            {
                Vector<T> yv = Vector.Load(y + i);
                if (!smooth && yv == Vector<T>.Zero) continue;
                acc = Accumulate(acc, Term(Vector.Load(x + i), yv, s, lanes));
            }
            if (full != classes)
            {
                // The overlapping last vector; the lanes the full vectors covered are masked off after the maths.
                Vector<T> mask = RowMath<T>.TailMask(classes);
                acc = Accumulate(acc, Vector.ConditionalSelect(mask, Term(Vector.Load(x + last), Vector.Load(y + last), s, lanes), Vector<T>.Zero));
            }
            return Vector.Sum(acc);
        }

        /// <summary>α·(1 − p)^γ·(−y·log p) on lanes, each step rounded to T as the composed ops round it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector<T> Term(Vector<T> xv, Vector<T> yv, Vector<T> s, Span<T> lanes)
        {
            if (smooth) yv = yv * new Vector<T>(keep) + new Vector<T>(share);
            Vector<T> p = Vector.Min(Vector.Max(xv / s, new Vector<T>(epsilon)), new Vector<T>(upper));
            Vector<T> crossentropy = -(yv * RowMath<T>.Log(p));
            Vector<T> weight = new(alpha);
            if (hasGamma)
            {
                Vector<T> d = Vector<T>.One - p;
                weight = Pow(d, lanes) * weight;
            }
            return weight * crossentropy;
        }

        /// <summary>dᵞ as the composed Pow computes it (<see cref="PowScalar"/>): products for 2 and 3, else the
        /// engine's pow on the lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector<T> Pow(Vector<T> d, Span<T> lanes)
        {
            if (gamma == T.CreateTruncating(2)) return d * d;
            if (gamma == T.CreateTruncating(3)) return d * d * d;
            d.CopyTo(lanes);
            PowScalar(lanes, gamma, lanes);
            return new Vector<T>(lanes);
        }

        /// <summary>Rows shorter than a vector: the same steps element by element.</summary>
        [MethodImpl(Hot)]
        private double ScalarRow(T* x, T* y, T total)
        {
            Span<T> one = stackalloc T[1];
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                T yc = smooth ? y[c] * keep + share : y[c];
                T p = T.Min(T.Max(x[c] / total, epsilon), upper);
                T crossentropy = -(yc * RowMath<T>.Log(p));
                T weight = alpha;
                if (hasGamma)
                {
                    T d = T.One - p;
                    if (gamma == T.CreateTruncating(2)) d *= d;
                    else if (gamma == T.CreateTruncating(3)) d = d * d * d;
                    else
                    {
                        one[0] = d;
                        PowScalar(one, gamma, one);   // in place is safe for the general pow (not for the cube's two products)
                        d = one[0];
                    }
                    weight = d * weight;
                }
                sum += double.CreateTruncating(weight * crossentropy);
            }
            return sum;
        }

        /// <summary>Adds the lanes to double lanes: float32 widened (exact), float64 as is.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<double> Accumulate(Vector<double> accumulator, Vector<T> values)
        {
            if (typeof(T) == typeof(double)) return accumulator + Vector.As<T, double>(values);
            Vector.Widen(Vector.As<T, float>(values), out Vector<double> low, out Vector<double> high);
            return accumulator + low + high;
        }
    }
}
