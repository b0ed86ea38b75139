using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>Every test here runs once per engine: the same inputs, the same expectations.</summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class CategoricalCrossentropyTests(string engineName)
{
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    private object Pred(LossCase c, DType dtype) => _h.Tensor(c.YPred, c.Shape, dtype);
    private object True(LossCase c, DType dtype) => _h.Tensor(c.YTrue, c.Shape, dtype);
    private object FePred() => _h.Tensor(Cases.FePred, [3, 3], DType.Float32);
    private object FeTrue() => _h.Tensor(Cases.FeTrue, [3, 3], DType.Int64);

    // Published values: FastEstimator's docstring and tests (see shared/NOTES.md): float32 results printed to 8
    // decimals, so ours must print the same 8 decimals (a log one ulp off, e.g. log(0.7f) = −0.35667494 instead of the
    // nearest −0.35667497, prints the mean as 0.22839300; a tolerance of 1e-7 hid that).
    [Test]
    public void FastEstimatorMean() =>
        Assert.That(PrintedDigits(_h.Values(Losses.CategoricalCrossentropy(FePred(), FeTrue()))), Is.EqualTo(new[] { 0.22839302 }));

    [Test]
    public void FastEstimatorPerSample() =>
        Assert.That(PrintedDigits(_h.Values(Losses.CategoricalCrossentropy(FePred(), FeTrue(), averageLoss: false))),
            Is.EqualTo(new[] { 0.22314353, 0.10536055, 0.35667497 }));

    private static double[] PrintedDigits(double[] values) => values.Select(v => Math.Round(v, 8)).ToArray();

    [Test]
    public void FastEstimatorClassWeights() =>
        Assert.That(_h.Values(Losses.CategoricalCrossentropy(FePred(), FeTrue(), averageLoss: false, classWeights: Cases.FeWeights)),
            Is.EqualTo(new[] { 0.44628706, 0.10536055, 1.07002491 }).Within(1e-6));

    [Test]
    public void FastEstimatorLogitsMean() =>
        Assert.That(_h.Values(Losses.CategoricalCrossentropy(FePred(), FeTrue(), fromLogits: true)), Is.EqualTo(new[] { 0.69182307 }).Within(1e-7));

    [Test]
    public void FastEstimatorLogitsPerSample() =>
        Assert.That(_h.Values(Losses.CategoricalCrossentropy(FePred(), FeTrue(), fromLogits: true, averageLoss: false)),
            Is.EqualTo(new[] { 0.6897267, 0.6177929, 0.7679496 }).Within(1e-6));

    [Test]
    public void FastEstimatorLogitsClassWeights() =>
        Assert.That(_h.Values(Losses.CategoricalCrossentropy(FePred(), FeTrue(), fromLogits: true, averageLoss: false, classWeights: Cases.FeWeights)),
            Is.EqualTo(new[] { 1.3794534, 0.6177929, 2.3038488 }).Within(1e-6));

    public static IEnumerable<TestCaseData> ReferenceCases() =>
        from c in Cases.All()
        from dtype in new[] { DType.Float32, DType.Float64 }
        from weighted in new[] { false, true }
        select new TestCaseData(c, dtype, weighted).SetArgDisplayNames(c.Name, dtype.Name(), weighted ? "class weights" : "unweighted");

    [TestCaseSource(nameof(ReferenceCases))]
    public void PerElementMatchesReference(LossCase c, DType dtype, bool weighted)
    {
        var weights = weighted ? Cases.FeWeights : null;
        double[] expected = Reference.CategoricalCrossentropy(c.YTrue, c.YPred, c.Classes, c.FromLogits, dtype, weights);
        object result = Losses.CategoricalCrossentropy(Pred(c, dtype), True(c, dtype), c.FromLogits, averageLoss: false, classWeights: weights);
        Assert.That(_h.Shape(result), Is.EqualTo(c.Shape[..^1]));
        Assert.That(_h.Engine.Describe(result).DType, Is.EqualTo(dtype));
        Tolerance.AssertClose(_h.Values(result), expected, dtype, c.Name);
    }

    [TestCaseSource(nameof(ReferenceCases))]
    public void MeanMatchesReference(LossCase c, DType dtype, bool weighted)
    {
        var weights = weighted ? Cases.FeWeights : null;
        double expected = Reference.Mean(Reference.CategoricalCrossentropy(c.YTrue, c.YPred, c.Classes, c.FromLogits, dtype, weights));
        object result = Losses.CategoricalCrossentropy(Pred(c, dtype), True(c, dtype), c.FromLogits, classWeights: weights);
        Tolerance.AssertClose(_h.Values(result), [expected], dtype, c.Name);
    }

    [Test]
    public void IntegerAndFloatLabelsGiveTheSameLoss()
    {
        LossCase c = Cases.All().First(x => x.Name.StartsWith("one-hot"));
        double[] fromInt = _h.Values(Losses.CategoricalCrossentropy(Pred(c, DType.Float32), True(c, DType.Int32), averageLoss: false));
        double[] expected = Reference.CategoricalCrossentropy(c.YTrue, c.YPred, c.Classes, false);
        Tolerance.AssertClose(fromInt, expected, DType.Float32, "int32 labels");
    }

    [Test]
    public void ZerosInPredictionsStayFinite()
    {
        // FastEstimator documents NaN here; with Keras's clip the loss is −log(1e-7) = 16.118 for the zero class.
        object pred = _h.Tensor([0.0, 1.0, 1.0, 0.0], [2, 2], DType.Float32);
        object yTrue = _h.Tensor([1.0, 0.0, 1.0, 0.0], [2, 2], DType.Float32);
        double[] loss = _h.Values(Losses.CategoricalCrossentropy(pred, yTrue, averageLoss: false));
        Assert.That(loss[0], Is.EqualTo(-Math.Log(1e-7)).Within(1e-4));
        Assert.That(loss[1], Is.EqualTo(-Math.Log((double)(1f - 1e-7f))).Within(1e-9));
    }

    [Test]
    public void ShapeMismatchNamesBothShapes()
    {
        object pred = _h.Tensor(new double[6], [2, 3], DType.Float32);
        object yTrue = _h.Tensor(new double[8], [2, 4], DType.Float32);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(pred, yTrue));
        Assert.That(e!.ParamName, Is.EqualTo("y_true"));
        Assert.That(e.Message, Does.Contain("y_pred.shape=").And.Contain("y_true.shape="));
    }

    [Test]
    public void RankOneIsOneSample()
    {
        // Keras's categorical_crossentropy on shape (C,) returns one value: y = p = [0.5, 0.5] gives −0.5·2·log 0.5 = log 2.
        object pred = _h.Engine.FromArray(new float[] { 0.5f, 0.5f }, [2]);
        double[] loss = _h.Engine.ToDoubleArray(Losses.CategoricalCrossentropy(pred, pred), out _);
        Assert.That(loss, Is.EqualTo(new[] { Math.Log(2) }).Within(1e-6));
        // Rank 0 is still refused.
        object scalar = _h.Engine.FromArray(new float[] { 0.5f }, []);
        if (_h.Engine.Describe(scalar).Rank == 0)
            Assert.That(Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(scalar, scalar))!.Message, Does.Contain("rank >= 1"));
    }

    [Test]
    public void IntegerPredictionsAreRefused()
    {
        object labels = FeTrue();
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(labels, labels));
        Assert.That(e!.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain("int64"));
    }

    [TestCase(3, 1.0)]
    [TestCase(-1, 1.0)]
    [TestCase(1, -2.0)]
    [TestCase(1, double.NaN)]
    [TestCase(1, double.PositiveInfinity)]
    public void BadClassWeightsAreRefused(int cls, double weight)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.CategoricalCrossentropy(FePred(), FeTrue(), classWeights: new Dictionary<int, double> { [cls] = weight }));
        Assert.That(e!.ParamName, Is.EqualTo("classWeights"));
    }

    [Test]
    public void EmptyBatchCannotBeAveraged()
    {
        object pred = _h.Tensor([], [0, 3], DType.Float32);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(pred, pred));
        Assert.That(e!.Message, Does.Contain("empty batch"));
    }

    [Test]
    public void ObjectTypedCallDispatchesOnRuntimeType()
    {
        object pred = FePred(), yTrue = FeTrue();
        object result = Losses.CategoricalCrossentropy<object, object>(pred, yTrue);
        Assert.That(result.GetType(), Is.EqualTo(pred.GetType()));
        Assert.That(_h.Values(result)[0], Is.EqualTo(0.22839302).Within(1e-7));
    }

    [Test]
    public void InputsAreLeftUntouched()
    {
        object pred = FePred(), yTrue = FeTrue();
        double[] predBefore = _h.Values(pred), trueBefore = _h.Values(yTrue);
        Losses.CategoricalCrossentropy(pred, yTrue, classWeights: Cases.FeWeights);
        Assert.That(_h.Values(pred), Is.EqualTo(predBefore));
        Assert.That(_h.Values(yTrue), Is.EqualTo(trueBefore));
    }
}
