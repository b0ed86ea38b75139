using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <see cref="Backend.CheckNan"/> of values that are not tensors, on every engine (for the tensors inside collections):
/// FastEstimator's <c>check_nan(val: Union[int, float, np.ndarray, torch.Tensor])</c> computes
/// <c>np.isnan(val).any() or np.isinf(val).any()</c> for anything but a torch tensor, so numbers and (nested) arrays of
/// them are answered too. NumPy 1.24: <c>np.isnan(float('nan'))</c> → True, <c>np.isinf(float('-inf'))</c> → True,
/// <c>np.isnan(5).any()</c> → False, <c>np.isnan([[1.0, 2.0], [3.0, float('inf')]]).any() or np.isinf(...).any()</c>
/// → True. Before session 50 every one of these was refused ("must be a tensor of a CrossBackend engine").
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CheckNanHostValueTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Numbers() =>
    [
        new TestCaseData(double.NaN, true).SetArgDisplayNames("double NaN"),
        new TestCaseData(double.NegativeInfinity, true).SetArgDisplayNames("double -inf"),
        new TestCaseData(0.1, false).SetArgDisplayNames("double 0.1"),
        new TestCaseData(float.PositiveInfinity, true).SetArgDisplayNames("float +inf"),
        new TestCaseData(0.3f, false).SetArgDisplayNames("float 0.3"),
        new TestCaseData(Half.NaN, true).SetArgDisplayNames("Half NaN"),
        new TestCaseData(5, false).SetArgDisplayNames("int 5"),
        new TestCaseData(5L, false).SetArgDisplayNames("long 5"),
        new TestCaseData(true, false).SetArgDisplayNames("bool"),
    ];

    [TestCaseSource(nameof(Numbers))]
    public void ANumber(object value, bool expected) => Assert.That(Backend.CheckNan(value), Is.EqualTo(expected));

    [Test]
    public void ArraysOfAnyRank()
    {
        Assert.That(Backend.CheckNan(new[] { 0.1, 0.3 }), Is.False);
        Assert.That(Backend.CheckNan(new[] { 0.1f, float.NaN }), Is.True);
        Assert.That(Backend.CheckNan(new double[,] { { 1.0, 2.0 }, { 3.0, double.PositiveInfinity } }), Is.True);
        Assert.That(Backend.CheckNan(new float[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } }), Is.False);
        Assert.That(Backend.CheckNan(new[] { new[] { 1.0 }, new[] { 2.0, double.NaN } }), Is.True, "jagged, as a nested list");
        Assert.That(Backend.CheckNan(new[] { 1, 2, 3 }), Is.False);
        Assert.That(Backend.CheckNan(new List<double> { 1, double.NaN }), Is.True);
    }

    [Test]
    public void CollectionsOfTensors()
    {
        object finite = Backend.ToTensor(new[] { 1.0, 2.0 }, engine, DType.Float32, [2]);
        object infinite = Backend.ToTensor(new[] { 1.0, double.NegativeInfinity }, engine, DType.Float64, [2]);
        Assert.That(Backend.CheckNan(new object[] { finite, 0.1 }), Is.False);
        Assert.That(Backend.CheckNan(new object[] { finite, new object[] { 2, infinite } }), Is.True);
    }

    [Test]
    public void OtherValuesAreRefusedNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.CheckNan("nan"));
        Assert.That(e!.ParamName, Is.EqualTo("val"), "FastEstimator's check_nan(val)");
        Assert.That(e.Message, Does.Contain("Received: a String"));
        Assert.Throws<ArgumentException>(() => Backend.CheckNan(new object?[] { 1.0, null }));
        Assert.Throws<ArgumentNullException>(() => Backend.CheckNan(null!));
    }
}
