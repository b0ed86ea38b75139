using System.Numerics.Tensors;
using CrossBackend.Backends.Torch;
using TorchSharp;

namespace CrossBackend.Tests;

/// <summary>The engines against each other, and what happens when their tensors are mixed.</summary>
public sealed class CrossEngineTests
{
    private static readonly EngineHarness Torch = new(TensorEngines.Named("torch"));
    private static readonly EngineHarness Numerics = new(TensorEngines.Named("numerics"));

    [Test]
    public void BothEnginesAreDiscovered() =>
        Assert.That(TensorEngines.All.Select(e => (e.Name, e.ClassAxis)), Is.EquivalentTo(new[] { ("numerics", -1), ("torch", 1) }));

    public static IEnumerable<TestCaseData> ParityCases() =>
        from c in Cases.All()
        from weighted in new[] { false, true }
        select new TestCaseData(c, weighted).SetArgDisplayNames(c.Name, weighted ? "class weights" : "unweighted");

    [TestCaseSource(nameof(ParityCases))]
    public void EnginesAgreeWithEachOtherInFloat32(LossCase c, bool weighted)
    {
        var weights = weighted ? Cases.FeWeights : null;
        double[] Run(EngineHarness h) => h.Values(Losses.CategoricalCrossentropy(
            h.Tensor(c.YPred, c.Shape, DType.Float32), h.Tensor(c.YTrue, c.Shape, DType.Float32), c.FromLogits,
            averageLoss: false, classWeights: weights));
        Tolerance.AssertClose(Run(Numerics), Run(Torch), DType.Float32, c.Name);
    }

    [Test]
    public void MixedEnginesAreRefusedWithBothNamed()
    {
        object pred = Torch.Tensor(Cases.FePred, [3, 3], DType.Float32);
        object yTrue = Numerics.Tensor(Cases.FeTrue, [3, 3], DType.Float32);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(pred, yTrue));
        Assert.That(e!.ParamName, Is.EqualTo("y_true"));
        Assert.That(e.Message, Does.Contain("same engine").And.Contain("torch").And.Contain("numerics"));
    }

    [Test]
    public void UnknownTensorTypeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy<object, object>(new float[3], new float[3]));
        Assert.That(e!.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain("no CrossBackend engine owns"));
    }

    [Test]
    public void TypedCallsReturnTheEngineType()
    {
        TorchEngine.EnsureNativeLoadable();
        torch.Tensor t = Losses.CategoricalCrossentropy((torch.Tensor)Torch.Tensor(Cases.FePred, [3, 3], DType.Float32),
            (torch.Tensor)Torch.Tensor(Cases.FeTrue, [3, 3], DType.Int64));
        Tensor<float> n = Losses.CategoricalCrossentropy((Tensor<float>)Numerics.Tensor(Cases.FePred, [3, 3], DType.Float32),
            (Tensor<int>)Numerics.Tensor(Cases.FeTrue, [3, 3], DType.Int32));
        Assert.That(t.shape, Is.Empty, "torch gives a rank-0 scalar");
        Assert.That(n.Lengths.ToArray(), Is.EqualTo(new nint[] { 1 }), "System.Numerics.Tensors has no rank 0");
        Assert.That(t.item<float>(), Is.EqualTo(n[0]));
    }
}
