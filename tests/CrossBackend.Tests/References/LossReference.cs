namespace CrossBackend.Tests.References;

/// <summary>One input for a loss's float64 reference: channels-last data, keyword arguments (by Keras name; no
/// reduction, no sample weights: the generic test adds those).</summary>
public sealed record ReferenceCase(string Name, double[] YPred, long[] Shape, double[]? YTrue, long[]? TrueShape,
    IReadOnlyDictionary<string, object?> Arguments)
{
    public override string ToString() => Name;
}

/// <summary>
/// An independent float64 reference for one registered loss, written plainly in the test project (it shares no code
/// with the library). <see cref="ReferenceTests"/> runs every case on every engine, in float32 and float64, with
/// every reduction and with sample weights, against it.
/// </summary>
public interface ILossReference
{
    /// <summary>The registered loss's name.</summary>
    string Loss { get; }

    /// <summary>Inputs covering the loss's options, with values that are not exact in float32 (0.1, 0.3).</summary>
    IEnumerable<ReferenceCase> Cases();

    /// <summary>
    /// The per-element loss (after the loss's own reduction over its axis, before any weight and the reduction) and
    /// the loss's own per-element weights (class weights; null for none). <paramref name="dtype"/> is the dtype the
    /// engine computes in (for dtype-dependent constants such as the clip bound 1 − 1e-7). For losses that reduce
    /// by their own options (FastEstimator's), the final result and null.
    /// </summary>
    (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype);

    /// <summary>Whether the weights are a mask (0 = left out of the loss and of the sum_over_batch_size count, as
    /// Keras's masks are), rather than class weights.</summary>
    bool WeightsAreMask => false;
}

/// <summary>Helpers the references share: Keras's ε and its clip in a dtype, row access.</summary>
public static class Ref
{
    /// <summary>Keras's clip bounds [1e-7, 1 − 1e-7] rounded to <paramref name="dtype"/> (float16/bfloat16 compute in float32).</summary>
    public static (double Low, double High) Clip(DType dtype) => Reference.ClipBounds(dtype);

    public static double Clamp(double x, DType dtype) { (double lo, double hi) = Clip(dtype); return Math.Clamp(x, lo, hi); }

    /// <summary>Rows of the last axis: (rows, length).</summary>
    public static (int Rows, int Length) Rows(long[] shape) => ((int)(shape.Aggregate(1L, (a, b) => a * b) / shape[^1]), (int)shape[^1]);

    public static T Arg<T>(ReferenceCase c, string name, T fallback) =>
        c.Arguments.TryGetValue(name, out object? v) && v is not null ? (T)v : fallback;

    /// <summary>Deterministic values in [low, high), rounded to float32 so both dtypes see the same inputs.</summary>
    public static double[] Uniform(int seed, long count, double low, double high)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, (int)count).Select(_ => (double)(float)(low + (high - low) * random.NextDouble())).ToArray();
    }

    /// <summary>One-hot rows of <paramref name="classes"/> entries.</summary>
    public static double[] OneHot(int seed, int rows, int classes)
    {
        var random = new Random(seed);
        var y = new double[rows * classes];
        for (int r = 0; r < rows; r++) y[r * classes + random.Next(classes)] = 1;
        return y;
    }
}
