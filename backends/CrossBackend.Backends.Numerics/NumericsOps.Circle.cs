using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Circle loss after the matrix product (<see cref="IFusedCircleLoss{TTensor}"/>): each query's row of similarities
/// becomes its positive and negative terms in one SIMD pass into two row buffers (−∞ where a pair is not of that
/// kind), then a masked log-sum-exp of each, where the composed path makes some twenty (Batch, N) temporaries.
/// </summary>
/// <remarks>
/// The arithmetic is the composed path's, step for step in T with its constants rounded to T: d = max(1 − s, 0);
/// positive term (max(d + m, 0)·(m − d))·(−γ); negative term (max((1 + m) − d, 0)·((1 − m) − d))·γ; each log-sum-exp
/// shifted by its row maximum, exp as <see cref="UnaryOp.Exp"/> computes it, the sum in double rounded to T once, then
/// log(sum) + shift and softplus of the two added in T. A row holding a non-finite similarity declines the whole
/// call (the composed path defines what NaN and ±∞ give).
/// </remarks>
public sealed unsafe partial class NumericsOps<T> : IFusedCircleLoss<Tensor<T>>
{
    /// <inheritdoc/>
    public Tensor<T>? CircleLoss(Tensor<T> similarities, Tensor<T> labels, Tensor<T> refLabels, bool removeDiagonal, double gamma, double margin,
        bool maskedMean)
    {
        if (!double.IsFinite(gamma) || !double.IsFinite(margin)) return null;
        long[] shape = ShapeOf(similarities, nameof(similarities));
        if (shape.Length != 2 || shape[0] == 0 || shape[1] == 0) return null;
        int batch = (int)shape[0], n = (int)shape[1];
        ReadOnlySpan<T> s = TensorData.Read(similarities), queryLabels = Values(labels, nameof(labels)), references = Values(refLabels, nameof(refLabels));
        if (queryLabels.Length != batch || references.Length != n) return null;

        var constants = new CircleConstants(margin, gamma);
        var loss = NumericsResultScope.Allocate<T>(batch);
        int nonFinite = 0;
        fixed (T* ps = s, pl = queryLabels, pr = references)
        {
            nint sp = (nint)ps, lp = (nint)pl, rp = (nint)pr;
            ParallelSplit.ForEachRows(batch, 4L * n, [MethodImpl(Hot)] (first, end) =>
            {
                T[] buffer = ArrayPool<T>.Shared.Rent(2 * n);
                try
                {
                    Span<T> positive = buffer.AsSpan(0, n), negative = buffer.AsSpan(n, n);
                    for (int i = first; i < end; i++)
                    {
                        if (!CircleTerms((T*)sp + (long)i * n, ((T*)lp)[i], (T*)rp, n, constants, positive, negative))
                        {
                            Volatile.Write(ref nonFinite, 1);
                            return;
                        }
                        if (removeDiagonal && i < n) positive[i] = T.NegativeInfinity;   // a query is not its own positive
                        T? positiveLse = MaskedLogSumExp(positive), negativeLse = MaskedLogSumExp(negative);
                        loss[i] = positiveLse is { } p && negativeLse is { } q ? T.CreateTruncating(Softplus(double.CreateTruncating(p + q))) : T.Zero;
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(buffer);
                }
            });
        }
        if (nonFinite != 0) return null;
        if (!maskedMean) return Create(loss, [batch]);
        // Σ loss·mask / Σ mask as the composed reduction takes it (the sums in double, rounded to T, the quotient in
        // T; 0 when no query counts): every loss is finite and ≥ 0 here, so loss·mask is the loss.
        int counted = 0;
        foreach (T value in loss)
            if (value > T.Zero) counted++;
        T mean = counted == 0 ? T.Zero : T.CreateTruncating(SumInDouble(loss)) / T.CreateTruncating(counted);
        return Create([mean], []);
    }

    /// <summary>The constants of the composed path, each rounded to T as its scalar operand is.</summary>
    private readonly struct CircleConstants(double margin, double gamma)
    {
        public readonly T Margin = T.CreateTruncating(margin);
        public readonly T OnePlusMargin = T.CreateTruncating(1 + margin);
        public readonly T OneMinusMargin = T.CreateTruncating(1 - margin);
        public readonly T Gamma = T.CreateTruncating(gamma);
        public readonly T MinusGamma = T.CreateTruncating(-gamma);
    }

    /// <summary>Fills one query's positive and negative terms (−∞ where the pair is of the other kind); false when a
    /// similarity is not finite.</summary>
    [MethodImpl(Hot)]
    private static bool CircleTerms(T* similarity, T label, T* references, int n, in CircleConstants k, Span<T> positive, Span<T> negative)
    {
        int width = Vector<T>.Count, j = 0;
        Vector<T> margin = new(k.Margin), onePlus = new(k.OnePlusMargin), oneMinus = new(k.OneMinusMargin);
        Vector<T> gamma = new(k.Gamma), minusGamma = new(k.MinusGamma), excluded = new(T.NegativeInfinity), query = new(label);
        Vector<T> check = Vector<T>.Zero;
        fixed (T* pp = positive, pn = negative)
        {
            for (; j + width <= n; j += width)
            {
                Vector<T> s = Vector.Load(similarity + j);
                check = RowMath<T>.NonFinite(s, check);
                Vector<T> d = Vector.Max(Vector<T>.One - s, Vector<T>.Zero);
                Vector<T> same = Vector.Equals(Vector.Load(references + j), query);
                Vector<T> p = Vector.Max(d + margin, Vector<T>.Zero) * (margin - d) * minusGamma;
                Vector<T> q = Vector.Max(onePlus - d, Vector<T>.Zero) * (oneMinus - d) * gamma;
                Vector.ConditionalSelect(same, p, excluded).Store(pp + j);
                Vector.ConditionalSelect(same, excluded, q).Store(pn + j);
            }
        }
        if (check != Vector<T>.Zero) return false;
        for (; j < n; j++)
        {
            T s = similarity[j];
            if (!T.IsFinite(s)) return false;
            T d = T.Max(T.One - s, T.Zero);
            bool same = references[j] == label;
            positive[j] = same ? T.Max(d + k.Margin, T.Zero) * (k.Margin - d) * k.MinusGamma : T.NegativeInfinity;
            negative[j] = same ? T.NegativeInfinity : T.Max(k.OnePlusMargin - d, T.Zero) * (k.OneMinusMargin - d) * k.Gamma;
        }
        return true;
    }

    /// <summary>log Σ exp over the entries above −∞ (shifted by their maximum), or null when there is none. Overwrites
    /// <paramref name="terms"/>.</summary>
    private static T? MaskedLogSumExp(Span<T> terms)
    {
        T max = TensorPrimitives.Max<T>(terms);
        if (T.IsNegativeInfinity(max)) return null;
        TensorPrimitives.Subtract(terms, max, terms);
        DoubleExp.Span<T>(terms, terms);
        return RowMath<T>.Log(T.CreateTruncating(SumInDouble(terms))) + max;
    }
}
