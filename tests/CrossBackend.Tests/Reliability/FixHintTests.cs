using CrossBackend.IO;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 11, item 7: errors that say how to fix them — class indices given to a dense loss suggest the sparse loss;
/// tensors of two engines show the conversion (and following it works); integer predictions show the cast (and
/// casting works); a disposed tensor is named. Runs once per engine (pairs of engines for the mixed case).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class FixHintTests(string engineName)
{
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    /// <summary>FastEstimator's mean, −mean(log p[true class]) with rows renormalised, in float64 (independent of the library).</summary>
    private static double FeReference()
    {
        double total = 0;
        for (int r = 0; r < 3; r++)
        {
            int cls = Array.IndexOf(Cases.FeTrue, 1.0, r * 3) - r * 3;
            double sum = Cases.FePred[(r * 3)..(r * 3 + 3)].Sum();
            total -= Math.Log(Cases.FePred[r * 3 + cls] / sum);
        }
        return total / 3;
    }

    private object Pred(DType dtype = DType.Float32) => _h.Tensor(Cases.FePred, [3, 3], dtype);

    [Test]
    public void ClassIndicesGivenToTheDenseLossSuggestTheSparseLoss()
    {
        object indices = _h.Engine.FromArray(new long[] { 1, 0, 2 }, [3]);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(Pred(), indices))!;
        Assert.That(e.ParamName, Is.EqualTo("y_true"));
        Assert.That(e.Message, Does.Contain("y_true.shape=(3,)").And.Contain("sparse_categorical_crossentropy")
            .And.Contain("Losses.SparseCategoricalCrossentropy").And.Contain("one-hot encode"));

        // The suggestion is right: the sparse loss on the same labels gives FastEstimator's number.
        double[] sparse = _h.Values(Losses.SparseCategoricalCrossentropy(Pred(), indices));
        Assert.That(sparse, Has.Length.EqualTo(1));
        Assert.That(sparse[0], Is.EqualTo(FeReference()).Within(Tolerance.For(DType.Float32).Rtol * FeReference() + Tolerance.For(DType.Float32).Atol));
    }

    [Test]
    public void OtherShapeMismatchesDoNotSuggestTheSparseLoss()
    {
        object twoRows = _h.Engine.FromArray(new long[] { 1, 0 }, [2]);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(Pred(), twoRows))!;
        Assert.That(e.Message, Does.Contain("same shape").And.Not.Contain("sparse"));
    }

    [Test]
    public void LabelsMissingALengthOneAxisAreToldToReshape()
    {
        // binary_crossentropy has no sparse twin: labels (2, 3) for predictions with a length-1 class axis, (2, 3, 1)
        // channels-last, only lack that axis. (Rank-1 labels beside (B, 1) are taken as Keras takes them:
        // RankOneLabelTests.)
        object pred = _h.Tensor([0.2, 0.7, 0.9, 0.3, 0.6, 0.1], [2, 3, 1], DType.Float32);
        object labels = _h.Engine.FromArray(new float[] { 0, 1, 1, 0, 1, 0 }, [2, 3]);
        long[] predShape = _h.Shape(pred);
        var e = Assert.Throws<ArgumentException>(() => Losses.BinaryCrossentropy(pred, labels))!;
        Assert.That(e.Message, Does.Contain($"reshape it to y_pred's shape {TensorInfo.FormatShape(predShape)}").And.Not.Contain("sparse"));
    }

    public static IEnumerable<TestCaseData> OtherEngines() =>
        TensorEngines.All.Select(e => new TestCaseData(e.Name).SetArgDisplayNames(e.Name));

    [TestCaseSource(nameof(OtherEngines))]
    public void MixedEnginesShowTheConversionAndFollowingItWorks(string otherName)
    {
        ITensorEngine other = TensorEngines.Named(otherName);
        if (other == _h.Engine) Assert.Ignore("the same engine: nothing to convert");
        // Segmentation-shaped labels, so a difference in layout (class axis) matters.
        var rnd = new Random(3);
        long[] shape = [2, 2, 2, 3];
        double[] labels = Enumerable.Range(0, 8).SelectMany(_ => { var row = new double[3]; row[rnd.Next(3)] = 1; return row; }).ToArray();
        double[] probs = Enumerable.Range(0, 24).Select(_ => 0.05 + rnd.NextDouble()).ToArray();
        object pred = _h.Tensor(probs, shape, DType.Float32);
        object foreign = new EngineHarness(other).Tensor(labels, shape, DType.Float32);

        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(pred, foreign))!;
        Assert.That(e.ParamName, Is.EqualTo("y_true"));
        Assert.That(e.Message, Does.Contain($"y_true is a {other.Name} tensor")
            .And.Contain($"Backend.ToTensor(y_true, TensorEngines.Named(\"{_h.Engine.Name}\"))"));

        // Follow the message's recipe literally: the copy, with a MoveAxis of the channel axis where it says so.
        object converted = Backend.ToTensor(foreign, _h.Engine);
        var moveAxis = System.Text.RegularExpressions.Regex.Match(e.Message, @"\.MoveAxis\(Backend\.ToTensor.*?\), (-?\d+), (-?\d+)\)");
        if (moveAxis.Success)
            converted = _h.Engine.MoveAxis(converted, int.Parse(moveAxis.Groups[1].Value), int.Parse(moveAxis.Groups[2].Value));
        double[] expected = _h.Values(Losses.CategoricalCrossentropy(pred, _h.Tensor(labels, shape, DType.Float32), averageLoss: false));
        double[] actual = _h.Values(Losses.CategoricalCrossentropy(pred, converted, averageLoss: false));
        Tolerance.AssertClose(actual, expected, DType.Float32, "loss with the converted labels");
    }

    [Test]
    public void ANonTensorShowsHowToCreateOne()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(Pred(), new float[9]))!;
        Assert.That(e.Message, Does.Contain($"TensorEngines.Named(\"{_h.Engine.Name}\").FromArray(data, shape)"));
    }

    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    public void IntegerPredictionsShowTheCastAndCastingWorks(DType dtype)
    {
        object ints = _h.Tensor([0, 1, 0, 1, 0, 0, 0, 0, 1], [3, 3], dtype);
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(ints, Pred()))!;
        Assert.That(e.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain($"y_pred.dtype={dtype.Name()}")
            .And.Contain($"TensorEngines.Named(\"{_h.Engine.Name}\").Cast(y_pred, DType.Float32)")
            .And.Contain("y_pred.to_type(torch.float32)"));

        // The cast the message shows makes the call work (one-hot rows as predictions: clipped, loss ≈ −log(1 − 1e-7)).
        object cast = _h.Engine.Cast(ints, DType.Float32);
        double[] loss = _h.Values(Losses.CategoricalCrossentropy(cast, cast));
        Assert.That(loss[0], Is.EqualTo(-Math.Log((double)(1 - 1e-7f))).Within(1e-9));
    }

    [TestCase("y_pred")]
    [TestCase("y_true")]
    public void ADisposedTensorIsNamed(string which)
    {
        object pred = Pred(), labels = _h.Tensor(Cases.FeTrue, [3, 3], DType.Float32);
        if ((which == "y_pred" ? pred : labels) is not IDisposable disposable)
        {
            Assert.Ignore($"{_h.Engine.Name} tensors cannot be disposed");
            return;
        }
        disposable.Dispose();
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(pred, labels))!;
        Assert.That(e.ParamName, Is.EqualTo(which));
        Assert.That(e.Message, Does.StartWith($"Argument `{which}` is a disposed tensor").And.Not.Contain("empty handle"));
    }
}
