namespace CrossBackend.Tests.References;

/// <summary>
/// FastEstimator's element-wise regression losses in plain float64: an element-wise function averaged over the last
/// axis of channels-last data, or over every non-batch axis when the case passes <c>axis</c> (FastEstimator 1.5's
/// per-sample mean; the cases only pass the full list of non-batch axes, which names the same elements in any layout).
/// </summary>
public abstract class FastEstimatorElementReference : ILossReference
{
    public abstract string Loss { get; }

    /// <summary>The loss of one element with error <paramref name="error"/> = y_pred − y_true.</summary>
    protected abstract double Element(double error, ReferenceCase c);

    public virtual IEnumerable<ReferenceCase> Cases()
    {
        yield return new("(6, 5)", Ref.Uniform(201, 30, -2, 2), [6, 5], Ref.Uniform(202, 30, -2, 2), null, Arguments());
        yield return new("(2, 3, 4) every non-batch axis", Ref.Uniform(203, 24, -2, 2), [2, 3, 4], Ref.Uniform(204, 24, -2, 2), null,
            new Dictionary<string, object?>(Arguments()) { ["axis"] = new[] { 1, 2 } });
    }

    /// <summary>The loss's own options for the default cases.</summary>
    protected virtual Dictionary<string, object?> Arguments() => [];

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype)
    {
        int group = c.Arguments.ContainsKey("axis") ? (int)(c.YPred.Length / c.Shape[0]) : (int)c.Shape[^1];
        return (Enumerable.Range(0, c.YPred.Length / group)
            .Select(g => Enumerable.Range(g * group, group).Average(i => Element(c.YPred[i] - c.YTrue![i], c))).ToArray(), null);
    }
}

/// <summary>FastEstimator's <c>l1_loss</c>: mean |e|.</summary>
public sealed class L1LossReference : FastEstimatorElementReference
{
    public override string Loss => "l1_loss";
    protected override double Element(double error, ReferenceCase c) => Math.Abs(error);
}

/// <summary>FastEstimator's <c>smooth_l1_loss</c> (PyTorch's SmoothL1Loss): 0.5 e²/β below β, |e| − 0.5 β above.</summary>
public sealed class SmoothL1LossReference : FastEstimatorElementReference
{
    public override string Loss => "smooth_l1_loss";

    public override IEnumerable<ReferenceCase> Cases()
    {
        foreach (ReferenceCase c in base.Cases()) yield return c;
        yield return new("(6, 5) default beta 1", Ref.Uniform(205, 30, -2, 2), [6, 5], Ref.Uniform(206, 30, -2, 2), null, new Dictionary<string, object?>());
    }

    protected override Dictionary<string, object?> Arguments() => new() { ["beta"] = 0.3 };

    protected override double Element(double error, ReferenceCase c)
    {
        double beta = Ref.Arg(c, "beta", 1.0), a = Math.Abs(error);
        return a < beta ? 0.5 * a * a / beta : a - 0.5 * beta;
    }
}

/// <summary>FastEstimator's <c>huber</c> (PyTorch's HuberLoss with delta = β): 0.5 e² below β, β(|e| − 0.5 β) above.</summary>
public sealed class FeHuberReference : FastEstimatorElementReference
{
    public override string Loss => "fe_huber";

    public override IEnumerable<ReferenceCase> Cases()
    {
        foreach (ReferenceCase c in base.Cases()) yield return c;
        yield return new("(6, 5) default beta 1", Ref.Uniform(207, 30, -2, 2), [6, 5], Ref.Uniform(208, 30, -2, 2), null, new Dictionary<string, object?>());
    }

    protected override Dictionary<string, object?> Arguments() => new() { ["beta"] = 0.7 };

    protected override double Element(double error, ReferenceCase c)
    {
        double beta = Ref.Arg(c, "beta", 1.0), a = Math.Abs(error);
        return a < beta ? 0.5 * a * a : beta * (a - 0.5 * beta);
    }
}

/// <summary>FastEstimator's <c>l2_regularization</c>: β · Σ x² / 2 over every element (no labels, one value).</summary>
public sealed class L2RegularizationReference : ILossReference
{
    public string Loss => "l2_regularization";

    public IEnumerable<ReferenceCase> Cases()
    {
        yield return new("(40,) default beta 0.01", Ref.Uniform(211, 40, -1, 1), [40], null, null, new Dictionary<string, object?>());
        yield return new("(3, 4, 5) beta 0.3", Ref.Uniform(212, 60, -2, 2), [3, 4, 5], null, null, new Dictionary<string, object?> { ["beta"] = 0.3 });
    }

    public (double[] Loss, double[]? Weights) Compute(ReferenceCase c, DType dtype) =>
        ([Ref.Arg(c, "beta", 0.01) * c.YPred.Sum(x => x * x) / 2], null);
}
