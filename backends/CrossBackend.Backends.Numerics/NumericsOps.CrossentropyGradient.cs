using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>The gradient of categorical crossentropy in one pass (<see cref="IFusedCrossentropyGradient{TTensor}"/>):
/// contiguous rows (class axis last); other layouts are declined to the tape's general-op formula.</summary>
public sealed unsafe partial class NumericsOps<T> : IFusedCrossentropyGradient<Tensor<T>>
{
    /// <inheritdoc/>
    public Tensor<T>? CrossentropyGradient(Tensor<T> target, bool sparse, Tensor<T> output, bool fromLogits, int axis, Tensor<T> upstream, double scale)
    {
        if (!Rows(output, axis, out long[] shape, out RowLayout layout) || layout.Inner != 1) return null;
        long[] targetShape = ShapeOf(target, nameof(target));
        long upstreamCount = Shapes.Count(ShapeOf(upstream, nameof(upstream)));
        if (sparse ? Shapes.Count(targetShape) != layout.Rows : !targetShape.AsSpan().SequenceEqual(shape)) return null;
        if (upstreamCount != layout.Rows && upstreamCount != 1) return null;
        var gradient = NumericsResultScope.Allocate<T>(checked(layout.Rows * layout.Classes));
        fixed (T* y = TensorData.Read(target), x = TensorData.Read(output), u = TensorData.Read(upstream), d = gradient)
        {
            nint yp = (nint)y, xp = (nint)x, up = (nint)u, dp = (nint)d;
            T factor = T.CreateTruncating(scale);
            bool perRow = upstreamCount != 1;
            layout.ForEachChunk([MethodImpl(Hot)] (first, end) =>
            {
                if (fromLogits) SoftmaxCrossentropyGradientRows((T*)yp, sparse, (T*)xp, (T*)up, perRow, factor, (T*)dp, layout.Classes, first, end);
                else ProbabilitiesCrossentropyGradientRows((T*)yp, sparse, (T*)xp, (T*)up, perRow, factor, (T*)dp, layout.Classes, first, end);
            });
        }
        return Create(gradient, shape);
    }

    /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>): e = exp(x − max) into the gradient, then
    /// (e·Σy / Σe − y)·u over it. float32 rows of 8–32 classes go 8 at a time across rows
    /// (<see cref="LogitsGradientShortRows"/>); otherwise a row of finite logits takes <see cref="FiniteLogitsRow"/>, any
    /// other row <see cref="ExactLogitsRow"/>, which makes it NaN where the composed log-softmax does (NaN or +∞ among
    /// its logits).</summary>
    [MethodImpl(Hot | MethodImplOptions.NoInlining)]
    private static void SoftmaxCrossentropyGradientRows(T* y, bool sparse, T* x, T* u, bool perRow, T factor, T* d, int classes, int first, int end)
    {
        bool vectorRows = Vector.IsHardwareAccelerated && classes >= Vector<T>.Count;
        int whole = classes - classes % Vector<T>.Count;
        Vector<T> fresh = RowMath<T>.TailMask(classes);
        if (typeof(T) == typeof(float) && LogitsGradientShortRows.Takes(classes))
        {
            // Short rows: 8 at a time across rows (LogitsGradientShortRows); a block with a non-finite logit, and the
            // rows after the last whole block, row by row below.
            const int lanes = LogitsGradientShortRows.Lanes;
            float* buffer = stackalloc float[LogitsGradientShortRows.BufferLength];
            float* labelBuffer = stackalloc float[sparse ? 0 : LogitsGradientShortRows.BufferLength];
            float* scaled = stackalloc float[lanes];
            for (; first + lanes <= end; first += lanes)
            {
                for (int j = 0; j < lanes; j++) scaled[j] = float.CreateTruncating((perRow ? u[first + j] : u[0]) * factor);
                long at = (long)first * classes;
                bool done = sparse
                    ? LogitsGradientShortRows.Block((float*)x + at, (float*)y + first, scaled, (float*)d + at, classes, buffer)
                    : LogitsGradientShortRows.DenseBlock((float*)x + at, (float*)y + at, scaled, (float*)d + at, classes, buffer, labelBuffer);
                if (!done) LogitsGradientRows(y, sparse, x, u, perRow, factor, d, classes, first, first + lanes, vectorRows, whole, fresh);
            }
        }
        LogitsGradientRows(y, sparse, x, u, perRow, factor, d, classes, first, end, vectorRows, whole, fresh);
    }

    /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>) one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LogitsGradientRows(T* y, bool sparse, T* x, T* u, bool perRow, T factor, T* d, int classes, int first, int end,
        bool vectorRows, int whole, Vector<T> fresh)
    {
        for (int r = first; r < end; r++)
        {
            T* xs = x + (long)r * classes, ds = d + (long)r * classes, ys = sparse ? null : y + (long)r * classes;
            T scaledUpstream = (perRow ? u[r] : u[0]) * factor;
            int label = sparse ? int.CreateTruncating(y[r]) : -1;
            if (!vectorRows || !FiniteLogitsRow(xs, ys, label, scaledUpstream, ds, classes, whole, fresh))
                ExactLogitsRow(xs, ys, label, scaledUpstream, ds, classes);
        }
    }

    /// <summary>One row of at least one vector, in vector steps with no per-row library calls (whose fixed cost
    /// dominated rows of 10–100 classes): a remainder of the vector width is covered by one more vector loaded at
    /// <c>classes − W</c>, whose lanes the whole vectors already covered (<paramref name="fresh"/> off) are left out of
    /// the sums and keep the value written first (the same computation on the same input). Returns false, having
    /// written nothing, if a logit is NaN or ±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FiniteLogitsRow(T* xs, T* ys, int label, T scaledUpstream, T* ds, int classes, int whole, Vector<T> fresh)
    {
        int w = Vector<T>.Count, last = classes - w;
        bool overlap = whole != classes;
        Vector<T> m = Vector.Load(xs + last);
        Vector<T> check = RowMath<T>.NonFinite(m, Vector<T>.Zero);
        for (int c = 0; c < whole; c += w)
        {
            Vector<T> v = Vector.Load(xs + c);
            m = Vector.MaxNative(m, v);
            check = RowMath<T>.NonFinite(v, check);
        }
        if (!Vector.EqualsAll(check, Vector<T>.Zero)) return false;

        var max = new Vector<T>(RowMath<T>.HorizontalMaxNative(m));
        Vector<T> sum = Vector<T>.Zero, labels = Vector<T>.Zero;
        for (int c = 0; c < whole; c += w)
        {
            Vector<T> e = RowMath<T>.Exp(Vector.Load(xs + c) - max);
            e.Store(ds + c);
            sum += e;
            if (ys != null) labels += Vector.Load(ys + c);
        }
        if (overlap)
        {
            Vector<T> e = RowMath<T>.Exp(Vector.Load(xs + last) - max);
            e.Store(ds + last);
            sum += e & fresh;
            if (ys != null) labels += Vector.Load(ys + last) & fresh;
        }
        T ratio = (ys != null ? Vector.Sum(labels) : T.One) / Vector.Sum(sum);

        if (ys == null)
        {
            var k = new Vector<T>(ratio * scaledUpstream);
            for (int c = 0; c < whole; c += w) (Vector.Load(ds + c) * k).Store(ds + c);
            if (overlap)
            {
                Vector<T> e = Vector.Load(ds + last);
                Vector.ConditionalSelect(fresh, e * k, e).Store(ds + last);
            }
            ds[label] -= scaledUpstream;
            return true;
        }
        var q = new Vector<T>(ratio);
        var g = new Vector<T>(scaledUpstream);
        for (int c = 0; c < whole; c += w) ((Vector.Load(ds + c) * q - Vector.Load(ys + c)) * g).Store(ds + c);
        if (overlap)
        {
            Vector<T> e = Vector.Load(ds + last);
            Vector.ConditionalSelect(fresh, (e * q - Vector.Load(ys + last)) * g, e).Store(ds + last);
        }
        return true;
    }

    /// <summary>One row of any length and any logits (<paramref name="ys"/> null: the class index
    /// <paramref name="label"/>): NaN throughout where the maximum or Σe is not finite.</summary>
    [MethodImpl(Hot)]
    private static void ExactLogitsRow(T* xs, T* ys, int label, T scaledUpstream, T* ds, int classes)
    {
        int w = Vector<T>.Count;
        T max = TensorPrimitives.Max(new ReadOnlySpan<T>(xs, classes));
        T sum = T.Zero, labels = T.One;
        int c = 0;
        if (Vector.IsHardwareAccelerated && classes >= w)
        {
            var m = new Vector<T>(max);
            Vector<T> e = Vector<T>.Zero;
            for (; c + w <= classes; c += w)
            {
                Vector<T> v = RowMath<T>.Exp(Vector.Load(xs + c) - m);
                v.Store(ds + c);
                e += v;
            }
            sum = Vector.Sum(e);
        }
        for (; c < classes; c++) sum += ds[c] = T.Exp(xs[c] - max);
        if (ys != null) labels = TensorPrimitives.Sum(new ReadOnlySpan<T>(ys, classes));
        var row = new Span<T>(ds, classes);
        if (!T.IsFinite(max) || !T.IsFinite(sum))
        {
            row.Fill(T.NaN);
            return;
        }
        T ratio = labels / sum;
        if (ys == null)
        {
            TensorPrimitives.Multiply(row, ratio * scaledUpstream, row);
            ds[label] -= scaledUpstream;
            return;
        }
        for (c = 0; c < classes; c++) ds[c] = (ds[c] * ratio - ys[c]) * scaledUpstream;
    }

    /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>) from probabilities, in the composed graph's steps
    /// (S = Σx in double rounded to T, q = x / S, p = clip(q), g = (−u·y) / p where the clip passes it, else 0;
    /// dx = g / S + Σ −(g·q) / S, the sum in double): the same operations on the same values, so NaN, ±∞ and zero sums
    /// come out as there (comparisons with NaN are false: the clip keeps NaN and stops its gradient).</summary>
    [MethodImpl(Hot | MethodImplOptions.NoInlining)]
    private static void ProbabilitiesCrossentropyGradientRows(T* y, bool sparse, T* x, T* u, bool perRow, T factor, T* d, int classes, int first, int end)
    {
        T epsilon = ClipBounds<T>.Low, upper = ClipBounds<T>.High;   // the forward's clip bounds
        int w = Vector.IsHardwareAccelerated ? Vector<T>.Count : int.MaxValue;
        var lo = new Vector<T>(epsilon);
        var hi = new Vector<T>(upper);
        for (int r = first; r < end; r++)
        {
            T* xs = x + (long)r * classes, ds = d + (long)r * classes, ys = sparse ? null : y + (long)r * classes;
            T minusU = -((perRow ? u[r] : u[0]) * factor);

            Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero;
            int c = 0;
            for (; c + w <= classes; c += w) DoubleLanes<T>.AddWidened(ref a0, ref a1, Vector.Load(xs + c));
            double total = Vector.Sum(a0 + a1);
            for (; c < classes; c++) total += double.CreateTruncating(xs[c]);
            T sum = T.CreateTruncating(total);

            var s = new Vector<T>(sum);
            var m = new Vector<T>(minusU);
            a0 = a1 = Vector<double>.Zero;
            c = 0;
            for (; c + w <= classes; c += w)
            {
                Vector<T> q = Vector.Load(xs + c) / s;
                Vector<T> p = Vector.ConditionalSelect(Vector.LessThan(q, lo), lo, Vector.ConditionalSelect(Vector.GreaterThan(q, hi), hi, q));
                Vector<T> inside = Vector.GreaterThanOrEqual(q, lo) & Vector.LessThanOrEqual(q, hi);
                Vector<T> labels = sparse ? Vector<T>.Zero : Vector.Load(ys + c);
                Vector<T> g = Vector.ConditionalSelect(inside, m * labels / p, Vector<T>.Zero);
                g.Store(ds + c);
                DoubleLanes<T>.AddWidened(ref a0, ref a1, -(g * q / s));
            }
            double terms = Vector.Sum(a0 + a1);
            for (; c < classes; c++) terms += Term(xs[c], sparse ? T.Zero : ys[c], sum, minusU, epsilon, upper, ds + c);
            if (sparse)
            {
                // The label's own term. The sweep above took every label as 0, so it wrote g = 0 there and added
                // −(0·q)/S, which is ±0 (no change) or NaN (q or S not finite: then the label's term is NaN too).
                int k = int.CreateTruncating(y[r]);
                terms += Term(xs[k], T.One, sum, minusU, epsilon, upper, ds + k);
            }
            T shared = T.CreateTruncating(terms);
            var sh = new Vector<T>(shared);
            c = 0;
            for (; c + w <= classes; c += w) (Vector.Load(ds + c) / s + sh).Store(ds + c);
            for (; c < classes; c++) ds[c] = ds[c] / sum + shared;
        }
    }

    /// <summary>One class of <see cref="ProbabilitiesCrossentropyGradientRows"/>: writes g to <paramref name="g"/> and
    /// returns −(g·q) / S.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Term(T x, T label, T sum, T minusU, T epsilon, T upper, T* g)
    {
        T q = x / sum;
        T p = q < epsilon ? epsilon : q > upper ? upper : q;   // NaN stays NaN
        T value = q >= epsilon && q <= upper ? minusU * label / p : T.Zero;
        *g = value;
        return double.CreateTruncating(-(value * q / sum));
    }
}
