using CrossBackend.Cli;
using CrossBackend.IO;
using CrossBackend.Testing;

namespace CrossBackend.Tests;

/// <summary>
/// Keras 3's per-class <c>alpha</c> of <c>categorical_focal_crossentropy</c> (one weight per class along the class
/// axis), on every engine found: the worked example of the XML doc through the C# overload, by name and through the
/// CLI, the scalar α as the list of equal weights, and a list of the wrong length refused naming the argument.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PerClassAlphaTests(ITensorEngine engine)
{
    private static readonly double[] Alpha = [0.1, 0.3, 0.7];

    /// <summary>0.3 · (1 − 0.5)² · (−log 0.5): the labelled class's α, its modulating factor and its crossentropy.</summary>
    private static readonly double Expected = 0.3 * 0.25 * -Math.Log(0.5);

    private object F(double[] values, long[] shape, DType dtype = DType.Float32) => new EngineHarness(engine).Tensor(values, shape, dtype);

    [Test]
    public void TheWorkedExampleOnEveryEngine([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        object p = F([0.2, 0.5, 0.3], [1, 3], dtype), y = F([0, 1, 0], [1, 3], dtype);
        (double rtol, double atol) = Tolerance.For(dtype);
        double overload = engine.ToDoubleArray(Losses.CategoricalFocalCrossentropy(p, y, Alpha), out _)[0];
        double byName = engine.ToDoubleArray(LossRegistry.Get("categorical_focal_crossentropy").Compute(p, y, new LossArguments { ["alpha"] = Alpha }), out _)[0];
        Assert.That(overload, Is.EqualTo(Expected).Within(rtol * Expected + atol));
        Assert.That(byName, Is.EqualTo(overload));
    }

    [Test]
    public void EqualWeightsAreTheScalarAlpha()
    {
        double[] pred = [0.2, 0.5, 0.3, 0.6, 0.1, 0.3], truth = [0, 1, 0, 0, 0, 1];
        object p = F(pred, [2, 3], DType.Float64), y = F(truth, [2, 3], DType.Float64);
        double[] list = engine.ToDoubleArray(Losses.CategoricalFocalCrossentropy(p, y, [0.3, 0.3, 0.3], gamma: 1.5, reduction: Reduction.None), out _);
        double[] scalar = engine.ToDoubleArray(Losses.CategoricalFocalCrossentropy(p, y, 0.3, gamma: 1.5, reduction: Reduction.None), out _);
        Assert.That(list, Is.EqualTo(scalar).Within(1e-15));
    }

    [Test]
    public void AListOfTheWrongLengthOrWithANegativeWeightIsRefused()
    {
        object p = F([0.2, 0.5, 0.3], [1, 3]), y = F([0, 1, 0], [1, 3]);
        var length = Assert.Throws<ArgumentException>(() => Losses.CategoricalFocalCrossentropy(p, y, [0.1, 0.3]));
        Assert.That(length!.ParamName, Is.EqualTo("alpha"));
        Assert.That(length.Message, Does.Contain("one weight per class (3").And.Contain("Received: alpha=[0.1, 0.3]"));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CategoricalFocalCrossentropy(p, y, [0.1, -0.3, 0.7]));
        Assert.That(negative!.ParamName, Is.EqualTo("alpha"));
        Assert.That(negative.Message, Does.Contain("Received: alpha=[0.1, -0.3, 0.7]"));
    }

    [Test]
    public void TheCliTakesACommaList()
    {
        string dir = Directory.CreateTempSubdirectory("cb-alpha").FullName;
        try
        {
            string pred = Path.Combine(dir, "p.npy"), truth = Path.Combine(dir, "t.npy");
            NpyFile.Write(pred, new float[] { 0.2f, 0.5f, 0.3f }, [1, 3]);
            NpyFile.Write(truth, new float[] { 0, 1, 0 }, [1, 3]);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = CliApp.Run(["loss", "categorical_focal_crossentropy", "--pred", pred, "--true", truth, "--alpha", "0.1,0.3,0.7", "--backend", engine.Name, "--json"], stdout, stderr);
            Assert.That(code, Is.Zero, stderr.ToString());
            double loss = System.Text.Json.JsonDocument.Parse(stdout.ToString().Trim()).RootElement.GetProperty("loss").GetDouble();
            (double rtol, double atol) = Tolerance.For(DType.Float32);
            Assert.That(loss, Is.EqualTo(Expected).Within(rtol * Expected + atol));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
