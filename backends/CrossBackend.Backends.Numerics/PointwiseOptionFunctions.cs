using System.Numerics;
using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Lane helpers of the crossentropy-family functions.</summary>
internal static class CrossentropyMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Clip to [lo, hi] with NaN propagated (the composed Clip's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Clip(Vector<T> x, Vector<T> lo, Vector<T> hi) =>
        Vector.ConditionalSelect(Vector.Equals(x, x), Vector.Min(Vector.Max(x, lo), hi), x);

    /// <summary>log(1 + e) for e ≥ 0 to full precision: log(u) − ((u − 1) − e)/u with u = 1 + e (exactly e when u
    /// rounds to 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log1p(Vector<T> e)
    {
        Vector<T> u = Vector<T>.One + e;
        return RowMath<T>.Log(u) - (u - Vector<T>.One - e) / u;
    }

    /// <summary>−(y·log q + (1 − y)·log(1 − q)), q = p clipped to [ε, 1 − ε] (bounds in T, as the composed clip).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ClippedCrossentropy(Vector<T> p, Vector<T> y)
    {
        T epsilon = T.CreateChecked(1e-7);
        Vector<T> q = Clip(p, new Vector<T>(epsilon), new Vector<T>(T.CreateChecked(1 - 1e-7)));
        return -(y * RowMath<T>.Log(q) + (Vector<T>.One - y) * RowMath<T>.Log(Vector<T>.One - q));
    }

    /// <summary>x^γ for γ ≥ 0: repeated products for whole γ up to 4, else exp(γ·log x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Pow(Vector<T> x, double gamma) => gamma switch
    {
        1 => x,
        2 => x * x,
        3 => x * x * x,
        4 => (x * x) * (x * x),
        _ => PointwiseMath<T>.Exp(RowMath<T>.Log(x) * new Vector<T>(T.CreateChecked(gamma))),
    };
}

/// <summary>Keras's binary crossentropy: y smoothed, then the clipped-probability form or the stable logits form
/// max(x, 0) − x·y + log(1 + exp(−|x|)).</summary>
internal readonly struct BinaryCrossentropyFunction<T>(double smoothing, bool fromLogits) : IPointwiseFunction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _smooth = smoothing > 0, _logits = fromLogits;
    private readonly Vector<T> _keep = new(T.CreateChecked(1 - smoothing)), _shift = new(T.CreateChecked(0.5 * smoothing));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Invoke(Vector<T> p, Vector<T> y)
    {
        if (_smooth) y = y * _keep + _shift;
        if (!_logits) return CrossentropyMath<T>.ClippedCrossentropy(p, y);
        return PointwiseMath<T>.MaxPropagatingNaN(p, Vector<T>.Zero) - p * y + CrossentropyMath<T>.Log1p(PointwiseMath<T>.Exp(-Vector.Abs(p)));
    }
}

/// <summary>Keras's binary focal crossentropy: y smoothed, p = sigmoid(x) for logits, (1 − p_t)^γ·bce with
/// p_t = y·p + (1 − y)·(1 − p) from the unclipped p (Keras's spelling), times α_t = (1 − α) + y·(2α − 1) when given.</summary>
internal readonly struct BinaryFocalFunction<T>(PointwiseLossParameters o) : IPointwiseFunction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _smooth = o.LabelSmoothing > 0, _logits = o.FromLogits, _balanced = o.Alpha is not null;
    private readonly double _gamma = o.Gamma;
    private readonly Vector<T> _keep = new(T.CreateChecked(1 - o.LabelSmoothing)), _shift = new(T.CreateChecked(0.5 * o.LabelSmoothing));
    private readonly Vector<T> _alphaSlope = new(T.CreateChecked(2 * (o.Alpha ?? 0) - 1)), _alphaBase = new(T.CreateChecked(1 - (o.Alpha ?? 0)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Invoke(Vector<T> x, Vector<T> y)
    {
        if (_smooth) y = y * _keep + _shift;
        Vector<T> one = Vector<T>.One;
        Vector<T> p = _logits ? one / (one + PointwiseMath<T>.Exp(-x)) : x;
        Vector<T> focal = CrossentropyMath<T>.ClippedCrossentropy(p, y);
        if (_gamma != 0) focal *= CrossentropyMath<T>.Pow(one - (y * p + (one - y) * (one - p)), _gamma);
        return _balanced ? focal * (y * _alphaSlope + _alphaBase) : focal;
    }
}

/// <summary>y·log(y / p), y and p clipped to [ε, 1] (summed along the axis by the caller).</summary>
internal readonly struct KLDivergenceFunction<T> : IPointwiseFunction<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Invoke(Vector<T> p, Vector<T> y)
    {
        var epsilon = new Vector<T>(T.CreateChecked(1e-7));
        Vector<T> t = CrossentropyMath<T>.Clip(y, epsilon, Vector<T>.One);
        return t * RowMath<T>.Log(t / CrossentropyMath<T>.Clip(p, epsilon, Vector<T>.One));
    }
}

/// <summary>max(1 − y·p, 0) (squared when asked) with y read as 2y − 1 when every label was 0 or 1.</summary>
internal readonly struct KerasHingeFunction<T>(bool squared, bool convert) : IPointwiseFunction<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _squared = squared, _convert = convert;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Invoke(Vector<T> p, Vector<T> y)
    {
        if (_convert) y = y + y - Vector<T>.One;
        Vector<T> margin = PointwiseMath<T>.MaxPropagatingNaN(Vector<T>.One - y * p, Vector<T>.Zero);
        return _squared ? margin * margin : margin;
    }
}

/// <summary>Keras's <c>convert_binary_labels_to_hinge</c> test: is every label 0 or 1?</summary>
internal static class HingeLabels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Block = 1 << 16;

    /// <summary>Whether every element is exactly 0 or 1 (NaN is neither): blocks in parallel, stopping at the first
    /// other value (so {−1, 1} labels cost one vector).</summary>
    public static bool AllZeroOrOne(ReadOnlySpan<T> y)
    {
        if (y.Length <= Block) return Check(y);
        int blocks = (y.Length + Block - 1) / Block, length = y.Length;
        bool all = true;
        unsafe
        {
            fixed (T* py = y)
            {
                nint address = (nint)py;
                WorkerPool.For(blocks, block =>
                {
                    if (!Volatile.Read(ref all)) return;   // one block failed: the answer is known
                    int start = block * Block;
                    if (!Check(new ReadOnlySpan<T>((T*)address + start, Math.Min(Block, length - start))))
                        Volatile.Write(ref all, false);
                });
            }
        }
        return all;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Check(ReadOnlySpan<T> y)
    {
        int width = Vector<T>.Count, i = 0;
        for (; i <= y.Length - width; i += width)
        {
            var v = new Vector<T>(y.Slice(i, width));
            // The lane masks compared as bytes: all-ones is a NaN pattern in T, never equal as T.
            Vector<T> zeroOrOne = Vector.Equals(v, Vector<T>.Zero) | Vector.Equals(v, Vector<T>.One);
            if (!Vector.EqualsAll(Vector.As<T, byte>(zeroOrOne), Vector<byte>.AllBitsSet))
                return false;
        }
        for (; i < y.Length; i++)
            if (y[i] != T.Zero && y[i] != T.One) return false;
        return true;
    }
}

/// <summary>
/// Keras's categorical hinge on rows of the last axis in one pass: neg = max((1 − y)·p) in T (NaN propagated, as the
/// composed Max), pos = Σ y·p accumulated in double and rounded to T (the composed Dot's policy), then
/// max(neg − pos + 1, 0) in T.
/// </summary>
internal readonly struct CategoricalHingeRow<T> : IRowLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Row(ReadOnlySpan<T> p, ReadOnlySpan<T> y)
    {
        int width = Vector<T>.Count, n = p.Length, i = 0;
        Vector<double> dot = Vector<double>.Zero;
        Vector<T> largest = new(T.NegativeInfinity);
        bool nan = false;
        for (; i <= n - width; i += width)
        {
            Vector<T> pv = new(p.Slice(i, width)), yv = new(y.Slice(i, width));
            Vector<T> wrong = (Vector<T>.One - yv) * pv;
            nan |= !Vector.EqualsAll(wrong, wrong);
            largest = Vector.Max(largest, wrong);
            Vector<T> products = yv * pv;
            if (typeof(T) == typeof(double)) dot += Vector.As<T, double>(products);
            else
            {
                Vector.Widen(Vector.As<T, float>(products), out Vector<double> low, out Vector<double> high);
                dot += low + high;
            }
        }
        T neg = T.NegativeInfinity;
        for (int lane = 0; lane < width; lane++) neg = T.Max(neg, largest[lane]);
        double pos = Vector.Sum(dot);
        for (; i < n; i++)
        {
            T wrong = (T.One - y[i]) * p[i];
            nan |= T.IsNaN(wrong);
            neg = T.Max(neg, wrong);
            pos += double.CreateTruncating(y[i] * p[i]);
        }
        if (nan) return T.NaN;
        T margin = neg - T.CreateTruncating(pos) + T.One;
        return T.IsNaN(margin) ? margin : T.Max(margin, T.Zero);
    }
}
