using System.Numerics.Tensors;

namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// System.Numerics.Tensors conventions, through its own API (numerics-only by nature, see EngineSpecific/README.md):
/// element types the engine cannot compute with are refused by name, and a reduced loss has shape (1,) because the
/// library has no rank-0 tensors.
/// </summary>
public sealed class NumericsConventionTests
{
    [Test]
    public void DecimalPredictionsAreRefusedByName()
    {
        var p = Tensor.Create(new decimal[] { 0.5m, 0.5m }, [1, 2]);
        var t = Tensor.Create(new decimal[] { 1m, 0m }, [1, 2]);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy<object, object>(p, t));
        Assert.That(e!.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain("floating-point").And.Contain("Received: y_pred.dtype="));
    }

    [Test]
    public void ReducedLossHasShapeOne()
    {
        Tensor<float> n = Losses.CategoricalCrossentropy(Tensor.Create(Cases.FePred.Select(v => (float)v).ToArray(), [3, 3]),
            Tensor.Create(Cases.FeTrue.Select(v => (int)v).ToArray(), [3, 3]));
        Assert.That(n.Lengths.ToArray(), Is.EqualTo(new nint[] { 1 }), "System.Numerics.Tensors has no rank 0");
        Assert.That(n[0], Is.EqualTo(0.22839302f).Within(1e-6));
    }
    /// <summary>A typed Tensor&lt;int&gt; into a function that returns floats: the message spells the types as C#
    /// does (it said "ReduceMean of a Tensor`1 returns a Tensor`1, which is not a Tensor`1").</summary>
    [Test]
    public void TypedIntegerTensorsAreNamedInCSharp()
    {
        Tensor<int> ints = Tensor.Create(new[] { 1, 2, 3, 4, 5, 6 }, [1, 2, 3]);
        var e = Assert.Throws<InvalidOperationException>(() => Backend.ReduceMean(ints))!;
        Assert.That(e.Message, Does.StartWith("Backend.ReduceMean of a Tensor<Int32> returns a Tensor<Single>, which is not a Tensor<Int32>."));
        e = Assert.Throws<InvalidOperationException>(() => Backend.Normalize(ints, 0.5, 0.5))!;
        Assert.That(e.Message, Does.StartWith("Backend.Normalize of a Tensor<Int32> returns a Tensor<Single>, which is not a Tensor<Int32>."));
        e = Assert.Throws<InvalidOperationException>(() => Backend.Divide(ints, ints))!;
        Assert.That(e.Message, Does.StartWith("Backend.Divide of a Tensor<Int32> returns a Tensor<Single>, which is not a Tensor<Int32>."));

        // Metrics and losses that score integer masks in floating point say the same (they threw InvalidCastException).
        Tensor<int> masks = Tensor.Create(Enumerable.Range(0, 8).Select(i => i % 3 == 0 ? 1 : 0).ToArray(), [1, 2, 2, 2]);
        e = Assert.Throws<InvalidOperationException>(() => Losses.DiceScore(masks, masks))!;
        Assert.That(e.Message, Does.StartWith("Losses.DiceScore of a Tensor<Int32> returns a Tensor<Single>, which is not a Tensor<Int32>. Pass yPred typed as object"));
        e = Assert.Throws<InvalidOperationException>(() => Metrics.DiceScore(masks, masks))!;
        Assert.That(e.Message, Does.StartWith("Metrics.DiceScore of a Tensor<Int32> returns a Tensor<Single>"));
        e = Assert.Throws<InvalidOperationException>(() => Metrics.Accuracy(masks, masks))!;
        Assert.That(e.Message, Does.StartWith("Metrics.Accuracy of a Tensor<Int32> returns a Tensor<Double>"));
        e = Assert.Throws<InvalidOperationException>(() => Metrics.Mean(masks))!;
        Assert.That(e.Message, Does.StartWith("Metrics.Mean of a Tensor<Int32> returns a Tensor<Double>, which is not a Tensor<Int32>. Pass values typed as object"));
        // Typed as object, the same call gives the score: a perfect match, 2n / (2n + 1e-6) ≈ 1 in each channel.
        var dice = (Tensor<float>)Losses.DiceScore((object)masks, masks);
        Assert.That(dice.ToArray(), Is.EqualTo(new[] { 1f, 1f }).Within(1e-6));

        var u = Assert.Throws<ArgumentException>(() => Backend.ReduceSum<object>(Tensor.Create(new ushort[] { 1, 2 }, [2])))!;
        Assert.That(u.ParamName, Is.EqualTo("tensor"));
        Assert.That(u.Message, Does.Contain("Received: a Tensor<UInt16>"));
    }
}
