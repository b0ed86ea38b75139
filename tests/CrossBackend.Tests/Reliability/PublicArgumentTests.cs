using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Session 50's review of the public surface as a NuGet user meets it: options that made every output NaN (or a silent
/// divide by ε alone) are refused naming the argument; a null name is an <see cref="ArgumentNullException"/> naming the
/// method's own parameter (it read "Unknown loss ''"); the engine-name overload of <c>ToTensor</c> names
/// <c>targetType</c> (it named <c>name</c>, a parameter the caller never wrote); a .NET array passed as a tensor is
/// told to make a tensor of it (it was told to reference an engine package that was already referenced); ExpandDims's
/// range error reads as a sentence. Runs once per engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PublicArgumentTests(ITensorEngine engine)
{
    private object X(params long[] shape) => Functions.ArgumentTests.Ramp(engine, shape);

    private static TException Refused<TException>(string argument, TestDelegate call) where TException : ArgumentException
    {
        var e = Assert.Throws<TException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(argument));
        Assert.That(e.Message, Does.Contain($"`{argument}`").And.Contain("Received:"));
        return e;
    }

    [Test]
    public void NormalizeZScoreAndIwdRefuseOptionsThatGiveNoNumbers()
    {
        object image = X(1, 2, 2, 3);
        Refused<ArgumentOutOfRangeException>("maxPixelValue", () => Backend.Normalize(image, 0.5, 0.25, maxPixelValue: double.NaN));
        Refused<ArgumentOutOfRangeException>("maxPixelValue", () => Backend.Normalize(image, 0.5, 0.25, maxPixelValue: 0));
        Refused<ArgumentOutOfRangeException>("epsilon", () => Backend.Normalize(image, 0.5, 0.25, epsilon: double.NaN));
        Refused<ArgumentOutOfRangeException>("mean", () => Backend.Normalize(image, [0.5, double.NaN, 0.5], [0.25, 0.25, 0.25]));
        Refused<ArgumentOutOfRangeException>("std", () => Backend.Normalize(image, 0.5, double.PositiveInfinity));
        Refused<ArgumentOutOfRangeException>("epsilon", () => Backend.ZScore(image, double.NaN));
        Refused<ArgumentOutOfRangeException>("pairwiseDistance", () => Backend.Iwd(X(2, 3), pairwiseDistance: double.NaN));
        Refused<ArgumentOutOfRangeException>("pairwiseDistance", () => Backend.Iwd(X(2, 3), pairwiseDistance: 0));

        // An explicit eps does not use the distance, and the defaults still give FastEstimator's numbers.
        double[] iwd = Backend.ToNumber<double>(Backend.Iwd(X(1, 5), pairwiseDistance: double.NaN, eps: 0.1));
        Assert.That(iwd.All(double.IsFinite), Is.True, string.Join(", ", iwd));
        double[] z = Backend.ToNumber<double>(Backend.ZScore(FunctionExamples.T(engine, [0, 1, 2, 3], [2, 2], DType.Float32)));
        Assert.That(z, Is.EqualTo(new[] { -1.34164079, -0.4472136, 0.4472136, 1.34164079 }).Within(1e-6));
    }

    [Test]
    public void NullNamesAreArgumentNullExceptionsNamingTheParameter()
    {
        object p = X(2, 3), t = X(2, 3);
        Refused<ArgumentNullException>("name", () => LossRegistry.Get(null!));
        Refused<ArgumentNullException>("name", () => Losses.Compute(null!, p, t));
        Refused<ArgumentNullException>("name", () => Losses.Gradient(null!, p, t));
        Refused<ArgumentNullException>("name", () => MetricRegistry.Get(null!));
        Refused<ArgumentNullException>("name", () => Metrics.Compute(null!, p, t));
        Refused<ArgumentNullException>("name", () => TensorEngines.Named(null!));
        Refused<ArgumentNullException>("targetType", () => Backend.ToTensor(new float[] { 1 }, (string)null!));
        Assert.That(Assert.Throws<ArgumentNullException>(() => Backend.Resize3D(X(1, 1, 2, 2, 2), [2, 2, 2], null!))!.ParamName,
            Is.EqualTo("resizeMode"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => Losses.L2Regularization<object>((object)null!))!.ParamName,
            Is.EqualTo("parameters"));
    }

    [Test]
    public void AnUnknownEngineNameNamesToTensorsOwnParameter()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.ToTensor(new float[] { 1 }, "tensorflow"))!;
        Assert.That(e.ParamName, Is.EqualTo("targetType"));
        Assert.That(e.Message, Does.Contain("'tensorflow'").And.Contain(engine.Name));
    }

    [Test]
    public void ADotNetArrayGivenAsATensorIsToldToMakeATensorOfIt()
    {
        float[] data = [0.1f, 0.8f, 0.1f];
        var e = Assert.Throws<ArgumentException>(() => Losses.CategoricalCrossentropy<object, object>(data, X(1, 3)))!;
        Assert.That(e.ParamName, Is.EqualTo("y_pred"));
        Assert.That(e.Message, Does.Contain("Backend.ToTensor(y_pred, TensorEngines.Named(").And.Not.Contain("reference an engine project"));

        // Following the hint works.
        object tensor = Backend.ToTensor(data, engine, shape: [1, 3]);
        Assert.That(Backend.GetShape(Losses.CategoricalCrossentropy<object, object>(tensor, X(1, 3), averageLoss: false)), Is.EqualTo(new long[] { 1 }));

        // Something that is neither a tensor nor an array keeps the package hint.
        Assert.That(Assert.Throws<ArgumentException>(() => Backend.Abs<object>("x"))!.Message, Does.Contain("reference an engine project"));
    }

    /// <summary>Only floating-point tensors have gradients. On torch, Losses.Gradient marked an integer or bool y_pred
    /// for autograd before the loss's validation ran, and libtorch's "Only Tensors of floating point and complex dtype
    /// can require gradients" came out (an ExternalException naming nothing); the channels-last tape named y_pred.</summary>
    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    [TestCase(DType.Bool)]
    public void TheGradientOfANonFloatingPredictionNamesIt(DType dtype)
    {
        object p = FunctionExamples.T(engine, [0, 1, 1, 0], [2, 2], dtype);
        var e = Refused<ArgumentException>("y_pred", () => Losses.Gradient("mean_squared_error", p, p));
        Assert.That(e.Message, Does.Contain("floating-point").And.Contain($"y_pred.dtype={dtype.Name()}"));

        // The fix the message gives works.
        object cast = Backend.Cast(p, DType.Float32);
        Assert.That(Backend.ToNumber<double>(Losses.Gradient("mean_squared_error", cast, cast)), Is.EqualTo(new double[4]));
    }

    /// <summary>|b| is b for a bool tensor (NumPy's abs, the channels-last engine); libtorch's abs refuses bool, and
    /// its "abs_cpu not implemented for 'Bool'" came out of Backend.Abs on torch.</summary>
    [Test]
    public void AbsOfABoolTensorIsItself()
    {
        object b = Backend.ToTensor(new[] { true, false, true }, engine);
        object abs = Backend.Abs(b);
        Assert.That(Backend.ToType(abs), Is.EqualTo(DType.Bool));
        Assert.That(Backend.ToNumber<int>(abs), Is.EqualTo(new[] { 1, 0, 1 }));
    }

    [Test]
    public void ExpandDimsOutOfRangeReadsAsASentence()
    {
        var e = Refused<ArgumentOutOfRangeException>("axis", () => Backend.ExpandDims(X(2, 3), 9));
        Assert.That(e.Message, Does.Contain("[-3, 2]").And.Contain("tensor.shape=(2, 3)").And.Not.Contain("(plus the new axis).shape"));
        Assert.That(Backend.GetShape(Backend.ExpandDims(X(2, 3), -3)), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(Backend.GetShape(Backend.ExpandDims(X(2, 3), 2)), Is.EqualTo(new long[] { 2, 3, 1 }));
    }
}
