using CrossBackend.Testing;

namespace CrossBackend.Tests.LossValidation;

/// <summary>
/// Bad options of the hinge, focal and generalized-crossentropy losses are refused before any computation, with a
/// message that names the argument and shows the value received (gamma &lt; 0, alpha outside [0, 1], q outside (0, 1],
/// FastEstimator's reductions outside 'sum' | 'mean' | 'none'). Runs once per engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FocalAndHingeValidationTests(ITensorEngine engine)
{
    private object Probabilities() => engine.FromArray(new[] { 0.3f, 0.7f, 0.6f, 0.4f }, [2, 2]);
    private object OneHot() => engine.FromArray(new[] { 0f, 1f, 1f, 0f }, [2, 2]);
    private object Indices() => engine.FromArray(new long[] { 1, 0 }, [2]);

    public static IEnumerable<TestCaseData> BadOptions()
    {
        TestCaseData Case(string loss, string option, object value, string parameter, string received) =>
            new TestCaseData(loss, option, value, parameter, received).SetArgDisplayNames(loss, $"{option}={LossOption.Format(value)}");
        foreach (string loss in new[] { "binary_focal_crossentropy", "categorical_focal_crossentropy", "focal_loss" })
        {
            yield return Case(loss, "gamma", -1.0, "gamma", "Received: gamma=-1");
            yield return Case(loss, "gamma", double.NaN, "gamma", "Received: gamma=NaN");
            yield return Case(loss, "alpha", -0.1, "alpha", "Received: alpha=-0.1");
            yield return Case(loss, "alpha", 1.3, "alpha", "Received: alpha=1.3");
            yield return Case(loss, "label_smoothing", 1.5, "labelSmoothing", "Received: labelSmoothing=1.5");
        }
        yield return Case("categorical_generalized_cross_entropy", "q", 0.0, "q", "Received: q=0");
        yield return Case("categorical_generalized_cross_entropy", "q", -0.3, "q", "Received: q=-0.3");
        yield return Case("categorical_generalized_cross_entropy", "q", 1.1, "q", "Received: q=1.1");
        yield return Case("focal_loss", "shape_reduction", "max", "shapeReduction", "Received: shapeReduction=max");
        yield return Case("focal_loss", "sample_reduction", "sum_over_batch_size", "sampleReduction", "Received: sampleReduction=sum_over_batch_size");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void RefusesTheOptionNamingIt(string loss, string option, object value, string parameter, string received)
    {
        LossDefinition definition = LossRegistry.Get(loss);
        object yTrue = definition.Labels == LossLabels.ClassIndices ? Indices() : OneHot();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            definition.Compute(Probabilities(), yTrue, new LossArguments { [option] = value }))!;
        Assert.That(e.ParamName, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Contain($"Argument `{parameter}` must be").And.Contain(received));
    }

    [Test]
    public void QOfOneIsTheMeanAbsoluteErrorEnd()
    {
        // Keras's class refuses q = 1, its function accepts it; we accept it: (1 − p) at the true class.
        object loss = LossRegistry.Get("categorical_generalized_cross_entropy").Compute(Probabilities(), Indices(),
            new LossArguments { ["q"] = 1.0, ["reduction"] = Reduction.None });
        TensorAssert.AreClose(engine.ToDoubleArray(loss, out _), new[] { 1 - 0.7, 1 - 0.6 }, 1e-6, 1e-7);
    }

    [Test]
    public void FocalLossRefusesAnotherReductionAndSampleWeights()
    {
        LossDefinition focal = LossRegistry.Get("focal_loss");
        var reduction = Assert.Throws<ArgumentException>(() =>
            focal.Compute(Probabilities(), OneHot(), new LossArguments { ["reduction"] = Reduction.Sum }))!;
        Assert.That(reduction.ParamName, Is.EqualTo("reduction"));
        Assert.That(reduction.Message, Does.Contain("Received: reduction=sum"));

        object weights = engine.FromArray(new[] { 0.3f, 0.7f }, [2]);
        var sample = Assert.Throws<ArgumentException>(() =>
            focal.Compute(Probabilities(), OneHot(), new LossArguments { ["sample_weights"] = weights }))!;
        Assert.That(sample.ParamName, Is.EqualTo("sampleWeights"));
        Assert.That(sample.Message, Does.Contain("takes no sample weights"));
    }

    [Test]
    public void HingeConvertsOnlyWhenEveryLabelIsZeroOrOne()
    {
        // Keras's convert_binary_labels_to_hinge: y = [[0, 1], [-1, 1]] holds a −1, so its 0 stays 0 and contributes
        // max(1 − 0·p, 0) = 1; with y = [[0, 1], [0, 1]] the 0s become −1.
        object p = engine.FromArray(new[] { 0.3f, 0.7f, 0.6f, 0.4f }, [2, 2]);
        object mixed = engine.FromArray(new[] { 0f, 1f, -1f, 1f }, [2, 2]);
        object binary = engine.FromArray(new[] { 0f, 1f, 0f, 1f }, [2, 2]);
        var none = new LossArguments { ["reduction"] = Reduction.None };
        LossDefinition hinge = LossRegistry.Get("hinge");
        TensorAssert.AreClose(engine.ToDoubleArray(hinge.Compute(p, mixed, none), out _), new[] { (1 + 0.3) / 2, (1.6 + 0.6) / 2 }, 1e-6, 1e-7);
        TensorAssert.AreClose(engine.ToDoubleArray(hinge.Compute(p, binary, none), out _), new[] { (1.3 + 0.3) / 2, (1.6 + 0.6) / 2 }, 1e-6, 1e-7);
    }
}
