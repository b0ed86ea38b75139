namespace CrossBackend.Tests.References;

/// <summary>
/// Plain float64 definitions of Keras's element-wise regression losses, each reduced over the last axis of
/// channels-last data (what Keras calls axis −1). Written from Keras's formulas, sharing no code with the library.
/// </summary>
public abstract class RowReference : ILossReference
{
    public const double Epsilon = 1e-7;

    public abstract string Loss { get; }

    public abstract IEnumerable<ReferenceCase> Cases();

    /// <summary>The loss of one row (the last axis) of targets <paramref name="y"/> and predictions <paramref name="p"/>.</summary>
    protected abstract double Row(double[] y, double[] p, ReferenceCase c);

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        (int rows, int n) = Ref.Rows(c.Shape);
        return (Enumerable.Range(0, rows).Select(r => Row(c.YTrue![(r * n)..((r + 1) * n)], c.YPred[(r * n)..((r + 1) * n)], c)).ToArray(), null);
    }

    /// <summary>Regression data: a (6, 5) batch and a (2, 3, 4) segmentation-like one, values in [low, high).</summary>
    protected static IEnumerable<ReferenceCase> Regression(int seed, double low, double high, Dictionary<string, object?>? arguments = null)
    {
        arguments ??= [];
        yield return new("(6, 5)", Ref.Uniform(seed, 30, low, high), [6, 5], Ref.Uniform(seed + 1, 30, low, high), null, arguments);
        yield return new("(2, 3, 4)", Ref.Uniform(seed + 2, 24, low, high), [2, 3, 4], Ref.Uniform(seed + 3, 24, low, high), null, arguments);
    }
}

/// <summary>Keras's <c>mean_absolute_error</c>: mean |y − p|.</summary>
public sealed class MeanAbsoluteErrorReference : RowReference
{
    public override string Loss => "mean_absolute_error";
    public override IEnumerable<ReferenceCase> Cases() => Regression(101, -3, 3);
    protected override double Row(double[] y, double[] p, ReferenceCase c) => y.Zip(p).Average(t => Math.Abs(t.First - t.Second));
}

/// <summary>Keras's <c>mean_absolute_percentage_error</c>: 100 · mean |(y − p) / max(|y|, 1e-7)|.</summary>
public sealed class MeanAbsolutePercentageErrorReference : RowReference
{
    public override string Loss => "mean_absolute_percentage_error";

    public override IEnumerable<ReferenceCase> Cases()
    {
        foreach (ReferenceCase c in Regression(111, -3, 3)) yield return c;
        // A zero target: the denominator is ε, the loss |p| · 1e9.
        double[] y = Ref.Uniform(115, 6, 0.1, 2);
        y[2] = 0;
        yield return new("(2, 3) with a zero target", Ref.Uniform(116, 6, -1, 1), [2, 3], y, null, new Dictionary<string, object?>());
    }

    protected override double Row(double[] y, double[] p, ReferenceCase c) =>
        100 * y.Zip(p).Average(t => Math.Abs((t.First - t.Second) / Math.Max(Math.Abs(t.First), Epsilon)));
}

/// <summary>Keras's <c>mean_squared_logarithmic_error</c>: mean (log(max(p, ε) + 1) − log(max(y, ε) + 1))².</summary>
public sealed class MeanSquaredLogarithmicErrorReference : RowReference
{
    public override string Loss => "mean_squared_logarithmic_error";
    // Negative values exercise the ε floor.
    public override IEnumerable<ReferenceCase> Cases() => Regression(121, -1, 5);
    private static double L(double x) => Math.Log(Math.Max(x, Epsilon) + 1);
    protected override double Row(double[] y, double[] p, ReferenceCase c) => y.Zip(p).Average(t => Math.Pow(L(t.Second) - L(t.First), 2));
}

/// <summary>Keras's <c>cosine_similarity</c>: −Σ (y / max(‖y‖, 1e-7)) · (p / max(‖p‖, 1e-7)) (Keras 3's normalize).</summary>
public sealed class CosineSimilarityReference : RowReference
{
    public override string Loss => "cosine_similarity";

    public override IEnumerable<ReferenceCase> Cases()
    {
        foreach (ReferenceCase c in Regression(131, -3, 3)) yield return c;
        // A zero row and a row of norm 5e-7 (below Keras 2's 1e-6 floor, above Keras 3's 1e-7).
        yield return new("(3, 2) zero and tiny rows", [0, 0, 3e-7, 4e-7, 0.3, -0.7], [3, 2], [0.1, 0.3, 3, 4, 0, 0], null, new Dictionary<string, object?>());
        yield return new("(4, 3) axis 1", Ref.Uniform(135, 12, -2, 2), [4, 3], Ref.Uniform(136, 12, -2, 2), null, new Dictionary<string, object?> { ["axis"] = 1 });
    }

    private static double[] Normalize(double[] x)
    {
        double norm = Math.Max(Math.Sqrt(x.Sum(v => v * v)), Epsilon);
        return x.Select(v => v / norm).ToArray();
    }

    protected override double Row(double[] y, double[] p, ReferenceCase c) => -Normalize(y).Zip(Normalize(p)).Sum(t => t.First * t.Second);
}

/// <summary>Keras's <c>huber</c>: mean of 0.5 e² (|e| ≤ δ) or δ|e| − 0.5 δ².</summary>
public sealed class HuberReference : RowReference
{
    public override string Loss => "huber";

    public override IEnumerable<ReferenceCase> Cases()
    {
        foreach (ReferenceCase c in Regression(141, -2, 2)) yield return c;
        foreach (ReferenceCase c in Regression(145, -2, 2, new() { ["delta"] = 0.3 })) yield return c with { Name = c.Name + " delta 0.3" };
        yield return new("(4, 3) delta 0", Ref.Uniform(149, 12, -1, 1), [4, 3], Ref.Uniform(150, 12, -1, 1), null, new Dictionary<string, object?> { ["delta"] = 0.0 });
    }

    public static double Element(double e, double delta) =>
        Math.Abs(e) <= delta ? 0.5 * e * e : delta * Math.Abs(e) - 0.5 * delta * delta;

    protected override double Row(double[] y, double[] p, ReferenceCase c) =>
        y.Zip(p).Average(t => Element(t.Second - t.First, Ref.Arg(c, "delta", 1.0)));
}

/// <summary>Keras's <c>log_cosh</c>: mean log(cosh(p − y)), with cosh evaluated directly where it does not overflow.</summary>
public sealed class LogCoshReference : RowReference
{
    public override string Loss => "log_cosh";

    public override IEnumerable<ReferenceCase> Cases()
    {
        foreach (ReferenceCase c in Regression(151, -3, 3)) yield return c;
        // Errors beyond ±10, where a thresholded softplus would show in float64.
        yield return new("(2, 4) large errors", [-30, -12.5, 0.1, 25, 14, -0.3, 11, -15], [2, 4], [0, 0, 0, 0, 0.5, 0, -0.2, 0.1], null, new Dictionary<string, object?>());
    }

    private static double Element(double e) => Math.Abs(e) < 300 ? Math.Log(Math.Cosh(e)) : Math.Abs(e) - Math.Log(2);

    protected override double Row(double[] y, double[] p, ReferenceCase c) => y.Zip(p).Average(t => Element(t.Second - t.First));
}

/// <summary>Keras's <c>poisson</c>: mean (p − y · log(p + 1e-7)).</summary>
public sealed class PoissonReference : RowReference
{
    public override string Loss => "poisson";

    public override IEnumerable<ReferenceCase> Cases()
    {
        yield return new("(6, 5) rates and counts", Ref.Uniform(161, 30, 0.1, 6), [6, 5], Ref.Uniform(162, 30, 0, 8).Select(Math.Floor).ToArray(), null, new Dictionary<string, object?>());
        yield return new("(2, 3, 4) with a zero rate", [0, .. Ref.Uniform(163, 23, 0.1, 3)], [2, 3, 4], Ref.Uniform(164, 24, 0, 3), null, new Dictionary<string, object?>());
    }

    protected override double Row(double[] y, double[] p, ReferenceCase c) => y.Zip(p).Average(t => t.Second - t.First * Math.Log(t.Second + Epsilon));
}

/// <summary>Keras's <c>kl_divergence</c>: Σ y · log(y / p), both clipped to [1e-7, 1] (bounds in the computing dtype).</summary>
public sealed class KLDivergenceReference : ILossReference
{
    public string Loss => "kl_divergence";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("(6, 4) probabilities", Ref.Uniform(171, 24, 0.01, 1), [6, 4], Ref.Uniform(172, 24, 0.01, 1), null, new Dictionary<string, object?>());
        // Zeros in both, and values above 1, exercise the clip.
        yield return new("(2, 3) zeros and values above 1", [0, 0.3, 1.2, 0.5, 0, 0.7], [2, 3], [0.2, 0, 1, 1.4, 0.3, 0], null, new Dictionary<string, object?>());
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        (double low, _) = Ref.Clip(dtype);
        (int rows, int n) = Ref.Rows(c.Shape);
        double Clip(double v) => Math.Clamp(v, low, 1);
        return (Enumerable.Range(0, rows).Select(r => Enumerable.Range(r * n, n)
            .Sum(i => Clip(c.YTrue![i]) * Math.Log(Clip(c.YTrue![i]) / Clip(c.YPred[i])))).ToArray(), null);
    }
}
