using CrossBackend.IO;

namespace CrossBackend.Keras.Tests;

/// <summary>The files under Data/ (copied beside the tests) and the goldens in them.</summary>
public static class TestData
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Data", name);

    /// <summary>One array of a NumPy .npz, read with the core's reader.</summary>
    public static NpyArray Npz(string file, string key) => NpzFile.Read(Path(file), key);

    public static double[] Doubles(NpyArray a) => a.Data switch
    {
        double[] d => d,
        float[] f => f.Select(v => (double)v).ToArray(),
        int[] i => i.Select(v => (double)v).ToArray(),
        long[] l => l.Select(v => (double)v).ToArray(),
        _ => throw new ArgumentException(a.Data.GetType().Name),
    };

    /// <summary>The engines to run on, for [TestFixtureSource]: every engine found, none named here.</summary>
    public static IEnumerable<TestFixtureData> Engines() => TensorEngines.All.Select(e => new TestFixtureData(e).SetArgDisplayNames(e.Name));

    /// <summary>The engines as test cases, for [TestCaseSource].</summary>
    public static IEnumerable<TestCaseData> EngineCases() => TensorEngines.All.Select(e => new TestCaseData(e).SetArgDisplayNames(e.Name));
}

/// <summary>
/// The parity tolerance against a float64 golden: |actual − expected| ≤ 1e-5·|expected| + 1e-6. The relative part is
/// ~80 float32 ulps, room for the different summation orders of a convolution (im2col + row products vs libtorch's
/// kernels) over up to 576 terms; the absolute floor covers probabilities near 0, where a relative bound would ask
/// for more digits than float32 has.
/// </summary>
public static class Close
{
    public const double Rtol = 1e-5, Atol = 1e-6;

    public static double MaxViolation(double[] actual, double[] expected)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / (Rtol * Math.Abs(expected[i]) + Atol));
        return worst;
    }

    public static void Assert(double[] actual, double[] expected, string what)
    {
        NUnit.Framework.Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            NUnit.Framework.Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(Rtol * Math.Abs(expected[i]) + Atol),
                $"{what}[{i}]: actual {actual[i]:R}, expected {expected[i]:R}");
    }

    public static double MaxAbs(double[] a, double[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
}

/// <summary>A whole model file against its float64 NumPy golden, on one engine.</summary>
public static class GoldenModels
{
    /// <summary>
    /// <paramref name="model"/> on <paramref name="engine"/> gives <paramref name="golden"/> for
    /// <paramref name="inputs"/>: in float32 with output shape <paramref name="shape"/>, within <see cref="Close"/>'s
    /// tolerance; in float64 (the float32 weights widened exactly, so only summation order and the last bits of the
    /// elementary functions separate the two passes) within 1e-12. Both differences are printed.
    /// </summary>
    public static void AssertMatches(ITensorEngine engine, KerasModel model, string what, NpyArray inputs, double[] golden, long[] shape)
    {
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine))
        {
            KerasPrediction p = network.Predict(inputs.Data, inputs.Shape);
            Assert.That(p.Shape, Is.EqualTo(shape), $"{engine.Name} {what}");
            Close.Assert(p.Values, golden, $"{engine.Name} {what}");
            TestContext.Out.WriteLine($"{engine.Name} {what} float32: max |diff| {Close.MaxAbs(p.Values, golden):G2}, {Close.MaxViolation(p.Values, golden):P1} of the tolerance");
        }
        using (IKerasNetwork network = KerasRuntimes.Build(model, engine, DType.Float64))
        {
            double[] values = network.Predict(inputs.Data, inputs.Shape).Values;
            TestContext.Out.WriteLine($"{engine.Name} {what} float64: max |diff| {Close.MaxAbs(values, golden):G2}");
            Assert.That(Close.MaxAbs(values, golden), Is.LessThan(1e-12), $"{engine.Name} {what} float64");
        }
    }

    /// <summary>
    /// The model file <paramref name="file"/> (under Data/) against the golden npz <paramref name="golden"/>: its
    /// <paramref name="inputsKey"/> array in, its <paramref name="outputsKey"/> array out (values and shape), as
    /// <see cref="AssertMatches"/> checks. With <paramref name="architecture"/> the file is a weights file loaded into
    /// that graph written in C# (matched by layer name).
    /// </summary>
    public static void AssertFile(ITensorEngine engine, string file, string golden, string inputsKey = "inputs", string outputsKey = "outputs",
        KerasGraph? architecture = null)
    {
        NpyArray inputs = TestData.Npz(golden, inputsKey), outputs = TestData.Npz(golden, outputsKey);
        KerasModel model = architecture is null ? KerasModel.Load(TestData.Path(file)) : KerasModel.Load(TestData.Path(file), architecture);
        string what = $"{file}{(architecture is null ? "" : " (C# architecture)")} {inputsKey}";
        AssertMatches(engine, model, what, inputs, TestData.Doubles(outputs), outputs.Shape);
    }

    /// <summary>Both formats of the model <paramref name="stem"/>, <c>{stem}.keras</c> (Keras 3) and
    /// <c>{stem}_k2.h5</c> (tf.keras 2), against the one golden <c>{stem}_golden.npz</c>, as <see cref="AssertFile"/>
    /// checks each.</summary>
    public static void AssertBothFormats(ITensorEngine engine, string stem, string inputsKey = "inputs", string outputsKey = "outputs")
    {
        foreach (string file in new[] { $"{stem}.keras", $"{stem}_k2.h5" })
            AssertFile(engine, file, $"{stem}_golden.npz", inputsKey, outputsKey);
    }
}

/// <summary>A functional model of one layer named <c>x</c> after an input, built on an engine with weights given by hand:
/// the runtime tests' way to count a layer's outputs by hand on inputs whose lengths are unknown until predict time.</summary>
internal static class SingleLayerNetworks
{
    /// <summary>The model's config JSON: an input of <paramref name="batchInputShape"/> (JSON, e.g. <c>[null, null, 1]</c>),
    /// then <paramref name="layerJson"/>, the layer's config entry named <c>x</c> and inbound from <c>in</c>.</summary>
    public static string Json(string batchInputShape, string layerJson) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": {{{batchInputShape}}}}, "inbound_nodes": []},
          {{{layerJson}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}
        """;

    /// <summary>That model built on <paramref name="engine"/> with <paramref name="weights"/> (tf.keras 2 style names).</summary>
    public static IKerasNetwork Build(ITensorEngine engine, string batchInputShape, string layerJson, params KerasWeight[] weights) =>
        KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(Json(batchInputShape, layerJson), "3.6.0"),
            [new KerasWeightGroup("x", weights)], keras3Layout: false), engine);
}
