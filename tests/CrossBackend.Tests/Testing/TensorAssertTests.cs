using CrossBackend.IO;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Testing;

/// <summary><see cref="TensorAssert.AreClose"/> and <see cref="TensorIs.CloseTo"/> fail as NUnit failures carrying the
/// comparison's report, and pass when the values are close.</summary>
public sealed class TensorAssertTests
{
    private static readonly double[,] Expected = { { 1, 2, 3 }, { 4, 5, 5 } };
    private static readonly double[,] Actual = { { 1, 2, 3 }, { 4, 5, 5.5 } };

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void AreClosePassesOnCloseValues(ITensorEngine engine)
    {
        object tensor = engine.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 5.00001f }, [2, 3]);
        TensorAssert.AreClose(tensor, Expected);                           // float32: 1e-6 + 1e-5·5 allows 5.00001
        TensorAssert.AreClose(tensor, new NpyArray(new[] { 1.0, 2, 3, 4, 5, 5 }, 2, 3));
        Assert.That(tensor, TensorIs.CloseTo(Expected));
    }

    [Test]
    public void AreCloseFailsWithTheReport()
    {
        string report = TensorComparison.Compare(Actual, Expected).Message;
        var failure = Assert.Throws<AssertionException>(() => TensorAssert.AreClose(Actual, Expected))!;
        Assert.That(failure.Message.Trim(), Is.EqualTo(report));
        Assert.That(report, Is.EqualTo("Tensors are not close!\nMismatched elements: 1 / 6 (16.7%)\n" +
            "Greatest absolute difference: 0.5 at index (1, 2) (up to 1e-14 allowed)\n" +
            "Greatest relative difference: 0.1 at index (1, 2) (up to 1e-12 allowed)"));
    }

    [Test]
    public void AreCloseFailsWithTheCallersMessageFirst()
    {
        var failure = Assert.Throws<AssertionException>(() => TensorAssert.AreClose(Actual, Expected, message: "case 7"))!;
        Assert.That(failure.Message.Trim(), Does.StartWith("case 7\nTensors are not close!\nMismatched elements: 1 / 6"));
    }

    [Test]
    public void AreCloseHonoursItsOptions()
    {
        TensorAssert.AreClose(Actual, Expected, rtol: 0.1, atol: 0);
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose(Actual, Expected, rtol: 0.099, atol: 0));
        TensorAssert.AreClose(new[] { double.NaN }, new[] { double.NaN }, equalNan: true);
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose(new[] { double.NaN }, new[] { double.NaN }));
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose(new[] { 1f }, new[] { 1.0 }, checkDType: true));
        // 5e-6 against 0: beyond our float32 floor (atol 1e-6), within torch.testing's (atol 1e-5).
        float[] a = [5e-6f];
        float[] e = [0f];
        var ours = Assert.Throws<AssertionException>(() => TensorAssert.AreClose(a, e))!;
        Assert.That(ours.Message, Does.Contain("(up to 1e-06 allowed)"));
        TensorAssert.AreClose(a, e, tolerances: ToleranceTable.TorchTesting);
    }

    [Test]
    public void ConstraintFailsWithTheSameReport()
    {
        string report = TensorComparison.Compare(Actual, Expected).Message;
        var failure = Assert.Throws<AssertionException>(() => Assert.That(Actual, TensorIs.CloseTo(Expected)))!;
        Assert.That(failure.Message, Does.Contain(report));
    }

    [Test]
    public void ConstraintModifiers()
    {
        Assert.That(Actual, TensorIs.CloseTo(Expected).Within(0.1, 0));
        Assert.Throws<AssertionException>(() => Assert.That(Actual, TensorIs.CloseTo(Expected).Within(0.099, 0)));
        Assert.That(new[] { 1, double.NaN }, TensorIs.CloseTo(new[] { 1, double.NaN }).EqualNan());
        Assert.Throws<AssertionException>(() => Assert.That(new[] { 1, double.NaN }, TensorIs.CloseTo(new[] { 1, double.NaN })));
        var dtype = Assert.Throws<AssertionException>(() => Assert.That(new[] { 1f }, TensorIs.CloseTo(new[] { 1.0 }).WithSameDType()))!;
        Assert.That(dtype.Message, Does.Contain("The dtypes do not match: actual float32 != expected float64."));
        Assert.That(new[] { 5e-6f }, TensorIs.CloseTo(new[] { 0f }).Using(ToleranceTable.TorchTesting));
        Assert.Throws<AssertionException>(() => Assert.That(new[] { 5e-6f }, TensorIs.CloseTo(new[] { 0f })));
        Assert.That(new[] { 1f }, Is.Not.Null.And.Matches(TensorIs.CloseTo(new[] { 1.0 })));
        Assert.That(() => TensorIs.CloseTo(Expected).Within(-1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
