using CrossBackend.IO;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// GroupNormalization, UnitNormalization and Dot (session 54) in whole files on every engine against float64 NumPy
/// goldens (Data/make_group_unit_dot_models.py, checked against real PyTorch 1.13's F.group_norm, F.normalize away from
/// its epsilon, and einsum). group_unit_norm is a Sequential model (groups 3 of 6 on the last axis with ε 0.1, 2 of 4 on
/// axis 1 with ε 0.3 and no β, 3 of 6 on axis −2 without γ; UnitNormalization over −1 with a row below its 1e-12 clamp,
/// then over [1, 2]); dot is functional (axes (2, 2), 1 with normalize, −1 on two rank-2 inputs, (1, −1) with normalize
/// on ranks 2 and 3, [−1, 1]). Each is saved as tf.keras 2 writes it (.h5) and as Keras 3 does (.keras).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class GroupUnitDotModelTests(ITensorEngine engine)
{
    [TestCase("group_unit_norm")]
    [TestCase("dot")]
    public void OutputsMatchTheFloat64Golden(string stem) => GoldenModels.AssertBothFormats(engine, stem);

    /// <summary>The same two models written in C# (<see cref="KerasArchitecture"/> and <see cref="KerasFunctional"/>)
    /// take the tf.keras 2 files' weights by layer name and give the goldens.</summary>
    [Test]
    public void ArchitecturesBuiltInCSharpTakeTheWeights()
    {
        KerasGraph norms = KerasArchitecture.Sequential([4, 6, 6])
            .UnitNormalization(name: "un_last").GroupNormalization(3, epsilon: 0.1, name: "gn_last").Dense(6, name: "dense")
            .GroupNormalization(2, 1, 0.3, center: false, name: "gn_h").GroupNormalization(3, -2, scale: false, name: "gn_w")
            .UnitNormalization([1, 2], name: "un_hw").Build(kerasVersion: "2.11.0");
        GoldenModels.AssertFile(engine, "group_unit_norm_k2.h5", "group_unit_norm_golden.npz", architecture: norms);

        KerasFunctional f = KerasArchitecture.Functional("dot");
        KerasSymbol x = f.Input([4, 6], name: "x");
        KerasSymbol a = f.Apply(l => l.Dense(5, name: "a"), x), b = f.Apply(l => l.Dense(5, activation: "tanh", name: "b"), x);
        KerasSymbol p = f.Apply(l => l.Permute([2, 1], name: "p"), b);
        KerasSymbol g = f.Apply(l => l.GlobalAveragePooling1D(name: "g"), a), h = f.Apply(l => l.GlobalMaxPooling1D(name: "h"), b);
        KerasSymbol[] dots =
        [
            f.Dot([a, b], (2, 2), name: "d1"), f.Dot([a, b], (1, 1), normalize: true, name: "d2"), f.Dot([g, h], (-1, -1), name: "d3"),
            f.Dot([g, a], (1, -1), normalize: true, name: "d4"), f.Dot([a, p], (-1, 1), name: "d5"),
        ];
        KerasSymbol cat = f.Concatenate(dots.Select((d, i) => f.Apply(l => l.Flatten(name: $"fd{i + 1}"), d)).ToArray(), name: "cat");
        KerasGraph dot = f.Build([cat], kerasVersion: "2.11.0");
        GoldenModels.AssertFile(engine, "dot_k2.h5", "dot_golden.npz", architecture: dot);
    }

    /// <summary>Dot(normalize=True) of an input with itself: 1 for an ordinary vector, and for a vector of squared length
    /// 1e-14 the writer's clamp decides — tf.keras 2's rsqrt(max(s, 1e-12)) gives s / 1e-12 = 0.01, Keras 3.6+'s
    /// min(rsqrt(s), 1e7) gives 1. The files' goldens cannot tell the two apart (no vector is that short).</summary>
    [TestCase("2.11.0", 0.01)]
    [TestCase("3.6.0", 1.0)]
    public void NormalizeClampsShortVectorsAsTheWritersKerasDoes(string version, double expectedShort)
    {
        KerasGraph graph = KerasGraph.FromJson(SelfDot("\"axes\": 1, \"normalize\": true"), version);
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(graph, [], keras3Layout: false), engine);
        KerasPrediction pr = network.Predict([new KerasInput(new float[] { 3f, -4f, 0f, 1e-7f, 0f, 0f }, [2, 3])])[0];
        Assert.That(pr.Shape, Is.EqualTo(new long[] { 2, 1 }), "two rank-2 inputs give (batch, 1)");
        Assert.That(pr.Values[0], Is.EqualTo(1.0).Within(1e-6), "an ordinary vector: its cosine with itself");
        Assert.That(pr.Values[1], Is.EqualTo(expectedShort).Within(1e-6 * Math.Max(1, expectedShort) + 1e-7), $"Keras {version}'s clamp");
    }

    /// <summary>A mask from Embedding(mask_zero) runs through GroupNormalization and UnitNormalization unchanged and is
    /// used by GlobalAveragePooling1D after them (the mean over the unmasked steps of the unmasked model's sequence),
    /// while Dot drops it and gives the unmasked model's numbers.</summary>
    [Test]
    public void MasksPassTheNormalizationsAndDotIgnoresThem()
    {
        string Json(bool maskZero) => $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 5], "dtype": "int32"}, "inbound_nodes": []},
              {"class_name": "Embedding", "name": "emb", "config": {"name": "emb", "input_dim": 9, "output_dim": 6, "mask_zero": {{{(maskZero ? "true" : "false")}}}}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "GroupNormalization", "name": "gn", "config": {"name": "gn", "groups": 3, "epsilon": 0.1}, "inbound_nodes": [[["emb", 0, 0, {}]]]},
              {"class_name": "UnitNormalization", "name": "un", "config": {"name": "un", "axis": -1}, "inbound_nodes": [[["gn", 0, 0, {}]]]},
              {"class_name": "GlobalAveragePooling1D", "name": "gap", "config": {"name": "gap"}, "inbound_nodes": [[["un", 0, 0, {}]]]},
              {"class_name": "Dot", "name": "dot", "config": {"name": "dot", "axes": 2}, "inbound_nodes": [[["un", 0, 0, {}], ["emb", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["gap", 0, 0], ["dot", 0, 0], ["un", 0, 0]]}}
            """;
        float[] table = Enumerable.Range(0, 54).Select(i => (float)Math.Sin(0.7 * i + 0.3)).ToArray();
        float[] gamma = [1.1f, 0.9f, 1.3f, 0.7f, 1f, 1.2f], beta = [0.1f, -0.2f, 0.3f, 0f, 0.05f, -0.1f];
        KerasWeightGroup[] weights =
        [
            new("emb", [new KerasWeight("emb/embeddings:0", [9, 6], table)]),
            new("gn", [new KerasWeight("gn/gamma:0", [6], gamma), new KerasWeight("gn/beta:0", [6], beta)]),
        ];
        int[] ids = [3, 5, 0, 0, 1, 0, 7, 2, 8, 4];
        IReadOnlyList<KerasPrediction> Run(bool maskZero)
        {
            using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(Json(maskZero), "3.6.0"), weights, keras3Layout: false), engine);
            return network.Predict([new KerasInput(ids, [2, 5])]);
        }
        IReadOnlyList<KerasPrediction> masked = Run(true), plain = Run(false);
        Assert.That(masked[1].Values, Is.EqualTo(plain[1].Values), "Dot: the same numbers as without the mask");
        Assert.That(masked[2].Values, Is.EqualTo(plain[2].Values), "the normalisations compute as without the mask");
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 6; c++)
            {
                int[] kept = Enumerable.Range(0, 5).Where(t => ids[b * 5 + t] != 0).ToArray();
                double mean = kept.Average(t => plain[2].Values[(b * 5 + t) * 6 + c]);
                Assert.That(masked[0].Values[b * 6 + c], Is.EqualTo(mean).Within(1e-6), $"item {b}, feature {c}: the mean over its unmasked steps");
            }
    }

    /// <summary>Dot of an input of rank 4, (batch, 2, 3, 4), with itself, which the TorchSharp module holds channels-first:
    /// along the channels (axes (3, 3)) out[b, i, j, k, l] = Σ_c x[b, i, j, c] · x[b, k, l, c], (2, 3, 2, 3); along axis 1
    /// (given as (1, −3)) out[b, j, c, k, l] = Σ_t x[b, t, j, c] · x[b, t, k, l], (3, 4, 3, 4) — x's other axes, then y's.</summary>
    [TestCase(3, 3)]
    [TestCase(1, -3)]
    public void DotOfRankFourInputsKeepsKerasAxisOrder(int axisX, int axisY)
    {
        string json = $$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 2, 3, 4]}, "inbound_nodes": []},
              {"class_name": "Dot", "name": "dot", "config": {"name": "dot", "axes": [{{{axisX}}}, {{{axisY}}}]}, "inbound_nodes": [[["in", 0, 0, {}], ["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["dot", 0, 0]]}}
            """;
        float[] x = Enumerable.Range(0, 2 * 24).Select(i => (float)Math.Cos(0.37 * i)).ToArray();
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.FromWeights(KerasGraph.FromJson(json, "3.6.0"), [], keras3Layout: false), engine);
        KerasPrediction p = network.Predict([new KerasInput(x, [2, 2, 3, 4])])[0];
        double X(int b, int i, int j, int c) => x[((b * 2 + i) * 3 + j) * 4 + c];
        var expected = new List<double>();
        int[] lengths = [2, 3, 4];
        int a = (axisX + 4) % 4 - 1;   // the dot axis among (2, 3, 4), the same for both inputs here
        int[] others = Enumerable.Range(0, 3).Where(d => d != a).ToArray();
        for (int b = 0; b < 2; b++)
            for (int u0 = 0; u0 < lengths[others[0]]; u0++)
                for (int u1 = 0; u1 < lengths[others[1]]; u1++)
                    for (int v0 = 0; v0 < lengths[others[0]]; v0++)
                        for (int v1 = 0; v1 < lengths[others[1]]; v1++)
                        {
                            double sum = 0;
                            for (int t = 0; t < lengths[a]; t++)
                            {
                                int[] ix = new int[3], iy = new int[3];
                                (ix[a], ix[others[0]], ix[others[1]]) = (t, u0, u1);
                                (iy[a], iy[others[0]], iy[others[1]]) = (t, v0, v1);
                                sum += X(b, ix[0], ix[1], ix[2]) * X(b, iy[0], iy[1], iy[2]);
                            }
                            expected.Add(sum);
                        }
        long[] half = others.Select(d => (long)lengths[d]).ToArray();
        Assert.That(p.Shape, Is.EqualTo((long[])[2, .. half, .. half]), "x's other axes, then y's");
        Close.Assert(p.Values, [.. expected], $"{engine.Name} Dot axes ({axisX}, {axisY}) of rank-4 inputs");
    }

    /// <summary>GroupNormalization of a (batch, 6) input (rank 2, as after a Dense; PyTorch's F.group_norm on (N, C)):
    /// two groups of three features, each (x − mean) / √(var + 0.3) with the biased variance, no γ or β.</summary>
    [Test]
    public void GroupNormalizationOfFeatureVectors()
    {
        using IKerasNetwork network = SingleLayerNetworks.Build(engine, "[null, 6]",
            """{"class_name": "GroupNormalization", "name": "x", "config": {"name": "x", "groups": 2, "epsilon": 0.3, "center": false, "scale": false}, "inbound_nodes": [[["in", 0, 0, {}]]]}""");
        float[] x = [1f, 2f, 4f, -1f, 0.5f, 3f, 0f, 0f, 0f, 2f, 2f, 2.5f];
        KerasPrediction p = network.Predict([new KerasInput(x, [2, 6])])[0];
        var expected = new double[12];
        for (int g = 0; g < 4; g++)
        {
            double[] v = x.Skip(3 * g).Take(3).Select(f => (double)f).ToArray();
            double mean = v.Average(), variance = v.Average(e => (e - mean) * (e - mean));
            for (int i = 0; i < 3; i++) expected[3 * g + i] = (v[i] - mean) / Math.Sqrt(variance + 0.3);
        }
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 6 }));
        Close.Assert(p.Values, expected, $"{engine.Name} GroupNormalization of (2, 6)");
    }

    /// <summary>A functional model (writer unknown unless given) of one (batch, 3) input dotted with itself.</summary>
    internal static string SelfDot(string config) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
          {"class_name": "Dot", "name": "dot", "config": {"name": "dot", {{{config}}}}, "inbound_nodes": [[["in", 0, 0, {}], ["in", 0, 0, {}]]]}],
          "input_layers": [["in", 0, 0]], "output_layers": [["dot", 0, 0]]}}
        """;
}

/// <summary>Shapes, weights, mask rules and refusals of the three layers (engine-independent).</summary>
public sealed class GroupUnitDotRuleTests
{
    private static string Model(string inputShape, string layers, string output) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": {{{inputShape}}}}, "inbound_nodes": []},
          {{{layers}}}],
          "input_layers": [["in", 0, 0]], "output_layers": [["{{{output}}}", 0, 0]]}}
        """;

    private static string Layer(string className, string name, string config, params string[] inputs) =>
        "{\"class_name\": \"" + className + "\", \"name\": \"" + name + "\", \"config\": {\"name\": \"" + name + "\"" + config + "}, " +
        "\"inbound_nodes\": [[" + string.Join(", ", inputs.Select(i => "[\"" + i + "\", 0, 0, {}]")) + "]]}";

    private static KerasGraph Read(string inputShape, string layers, string output, string? version = "3.6.0") =>
        KerasGraph.FromJson(Model(inputShape, layers, output), version);

    [Test]
    public void WeightsAndShapesFollowKerasBuild()
    {
        KerasGraph g = KerasModel.Load(TestData.Path("group_unit_norm.keras")).Graph;
        Assert.That(g["gn_last"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("gamma", new long[] { 6 }), ("beta", new long[] { 6 }) }));
        Assert.That(g["gn_h"].ExpectedWeights.Select(w => (w.Name, w.Shape)), Is.EqualTo(new[] { ("gamma", new long[] { 4 }) }), "axis 1 of (4, 6, 6), no beta");
        Assert.That(g["un_hw"].ExpectedWeights, Is.Empty);
        Assert.That(((UnitNormSpec)g["un_hw"].Spec).Axes, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(((UnitNormSpec)KerasModel.Load(TestData.Path("group_unit_norm_k2.h5")).Graph["un_last"].Spec).Axes, Is.EqualTo(new[] { 3 }), "tf.keras 2's positive list");
        KerasGraph d = KerasModel.Load(TestData.Path("dot.keras")).Graph;
        Assert.That(new[] { "d1", "d2", "d3", "d4", "d5" }.Select(n => d[n].OutputShape),
            Is.EqualTo(new[] { new long[] { 4, 4 }, [5, 5], [1], [4], [4, 4] }));
        Assert.That(((DotSpec)d["d2"].Spec).Normalization, Is.EqualTo(KerasDotNormalize.ClampedInverseNorm), "Keras 3.6.0");
        Assert.That(((DotSpec)KerasModel.Load(TestData.Path("dot_k2.h5")).Graph["d2"].Spec).Normalization, Is.EqualTo(KerasDotNormalize.ClampedSquaredSum));
        Assert.That(((DotSpec)d["d1"].Spec).Normalization, Is.EqualTo(KerasDotNormalize.None));
        Assert.That(Read("[null, 4, 6]", Layer("GroupNormalization", "gn", ", \"groups\": -1", "in"), "gn")["gn"].ExpectedWeights[0].Shape,
            Is.EqualTo(new long[] { 6 }), "groups -1: one per channel");
    }

    /// <summary>GroupNormalization and UnitNormalization hand a mask on (supports_masking, base compute_mask); Dot drops
    /// it in every Keras (its compute_mask returns None), so a Flatten after it needs no rule.</summary>
    [Test]
    public void MasksPassTheNormalizationsAndStopAtDot()
    {
        string layers = string.Join(", ",
            Layer("Embedding", "emb", ", \"input_dim\": 9, \"output_dim\": 6, \"mask_zero\": true", "in"),
            Layer("GroupNormalization", "gn", ", \"groups\": 2", "emb"),
            Layer("UnitNormalization", "un", ", \"axis\": -1", "gn"),
            Layer("Dot", "dot", ", \"axes\": 2", "un", "emb"),
            Layer("Flatten", "flat", "", "dot"));
        foreach (string? version in new[] { "2.2.4", "2.11.0", "3.3.3", "3.6.0" })
        {
            KerasGraph g = KerasGraph.FromJson(Model("[null, 5]", layers, "flat").Replace("\"batch_input_shape\": [null, 5]}", "\"batch_input_shape\": [null, 5], \"dtype\": \"int32\"}"), version);
            Assert.That((g["gn"].MaskRole, g["gn"].OutputMasked), Is.EqualTo((KerasMaskRole.PassesThrough, true)), version);
            Assert.That((g["un"].MaskRole, g["un"].OutputMasked), Is.EqualTo((KerasMaskRole.PassesThrough, true)), version);
            Assert.That((g["dot"].MaskRole, g["dot"].OutputMasked), Is.EqualTo((KerasMaskRole.Drops, false)), version);
            Assert.That(g["dot"].OutputShape, Is.EqualTo(new long[] { 5, 5 }));
            Assert.That(g["flat"].MaskRole, Is.EqualTo(KerasMaskRole.None), $"{version}: nothing reaches the Flatten");
        }
    }

    [Test]
    public void GroupNormalizationRefusesWhatKerasCannotBuild()
    {
        var list = Assert.Throws<NotSupportedException>(() => Read("[null, 4, 6]", Layer("GroupNormalization", "gn", ", \"groups\": 2, \"axis\": [1, 2]", "in"), "gn"));
        Assert.That(list!.Message, Does.StartWith("layer `gn` (GroupNormalization): axis [1, 2] is a list"));
        var batch = Assert.Throws<NotSupportedException>(() => Read("[null, 4, 6]", Layer("GroupNormalization", "gn", ", \"groups\": 2, \"axis\": 0", "in"), "gn"));
        Assert.That(batch!.Message, Does.StartWith("layer `gn` (GroupNormalization): axis 0 of an input of (None, 4, 6) is the batch axis"));
        var divide = Assert.Throws<InvalidDataException>(() => Read("[null, 4, 6]", Layer("GroupNormalization", "gn", ", \"groups\": 4", "in"), "gn"));
        Assert.That(divide!.Message, Does.StartWith("layer `gn` (GroupNormalization): groups=4 must divide the 6 channels"));
        var unknown = Assert.Throws<InvalidDataException>(() => Read("[null, 4, null]", Layer("GroupNormalization", "gn", ", \"groups\": 2", "in"), "gn"));
        Assert.That(unknown!.Message, Does.StartWith("layer `gn` (GroupNormalization) needs an input of a known length on axis -1"));
    }

    [Test]
    public void UnitNormalizationRefusesTheBatchAxisAndRepeats()
    {
        var batch = Assert.Throws<NotSupportedException>(() => Read("[null, 4, 6]", Layer("UnitNormalization", "un", ", \"axis\": [0, 1]", "in"), "un"));
        Assert.That(batch!.Message, Does.StartWith("layer `un` (UnitNormalization): axis [0, 1] of an input of (None, 4, 6) includes the batch axis"));
        var twice = Assert.Throws<InvalidDataException>(() => Read("[null, 4, 6]", Layer("UnitNormalization", "un", ", \"axis\": [2, -1]", "in"), "un"));
        Assert.That(twice!.Message, Does.StartWith("layer `un` (UnitNormalization): axis [2, -1] names one axis twice"));
    }

    [Test]
    public void DotRefusesTheBatchAxisMismatchedLengthsAndUnknownNormalizations()
    {
        string two(string config) => string.Join(", ", Layer("Dense", "a", ", \"units\": 5", "in"), Layer("Dense", "b", ", \"units\": 3", "in"),
            Layer("Dot", "dot", config, "a", "b"));
        var batch = Assert.Throws<NotSupportedException>(() => Read("[null, 4, 6]", two(", \"axes\": [0, 1]"), "dot"));
        Assert.That(batch!.Message, Does.StartWith("layer `dot` (Dot): axes [0, 1] name axis 0 of its first input (None, 4, 5), which is the batch axis"));
        var lengths = Assert.Throws<InvalidDataException>(() => Read("[null, 4, 6]", two(", \"axes\": 2"), "dot"));
        Assert.That(lengths!.Message, Does.StartWith("layer `dot` (Dot): the dot axes have lengths 5 and 3"));
        var form = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(GroupUnitDotModelTests.SelfDot("\"axes\": 1, \"normalize\": true"), "3.3.3"));
        Assert.That(form!.Message, Does.StartWith("layer `dot` (Dot) has normalize=True, whose L2 normalisation depends on the Keras release").And.Contain("Keras 3.3.3"));
        var unknown = Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(GroupUnitDotModelTests.SelfDot("\"axes\": 1, \"normalize\": true")));
        Assert.That(unknown!.Message, Does.Contain("the file does not say which Keras wrote it"));
        Assert.That(KerasGraph.FromJson(GroupUnitDotModelTests.SelfDot("\"axes\": 1")).Layers.Count, Is.EqualTo(2), "without normalize no version is needed");
    }

    /// <summary>Dot(normalize)'s form by writer: tf.keras 2 any release, Keras 3.6 and later (3.10 read as a number, not
    /// as text), and refused for Keras 3.5, a 3.6 development build (it may predate keras-team/keras#20196) and a bare 3.</summary>
    [TestCase("2.2.4-tf", KerasDotNormalize.ClampedSquaredSum)]
    [TestCase("3.6.0", KerasDotNormalize.ClampedInverseNorm)]
    [TestCase("3.10.0", KerasDotNormalize.ClampedInverseNorm)]
    [TestCase("3.5.0", null)]
    [TestCase("3.6.0.dev2024081803", null)]
    [TestCase("3", null)]
    public void DotNormalizeFormFollowsTheWritersRelease(string version, KerasDotNormalize? form)
    {
        string json = GroupUnitDotModelTests.SelfDot("\"axes\": 1, \"normalize\": true");
        if (form is { } expected)
            Assert.That(((DotSpec)KerasGraph.FromJson(json, version)["dot"].Spec).Normalization, Is.EqualTo(expected));
        else
            Assert.That(Assert.Throws<NotSupportedException>(() => KerasGraph.FromJson(json, version))!.Message, Does.Contain("only tf.keras 2 and Keras 3.6+ are supported"));
    }
}

/// <summary>What the three layers become in the TorchSharp module (<c>keras inspect</c>).</summary>
public sealed class GroupUnitDotInspectTests
{
    [Test]
    public void InspectSaysWhatEachLayerBecomes()
    {
        IReadOnlyDictionary<string, string> d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("group_unit_norm.keras")).Graph);
        Assert.That(d["gn_last"], Is.EqualTo("F.group_norm(3 groups of 2) over Keras axis -1 (dimension 1 here), eps=0.1 (Keras's, not PyTorch's 1e-5); gamma, beta (6)"));
        Assert.That(d["gn_h"], Does.StartWith("F.group_norm(2 groups of 2) over Keras axis 1 (dimension 2 here, moved to 1 and back), eps=0.3").And.EndWith("gamma, no beta (4)"));
        Assert.That(d["un_hw"], Is.EqualTo("x * rsqrt(max(sum(x^2), 1e-12)) over Keras axis 1, 2 (dimension 2, 3 here)"));
        d = CrossBackend.Keras.Torch.KerasTorchConversion.Describe(KerasModel.Load(TestData.Path("dot_k2.h5")).Graph);
        Assert.That(d["d2"], Does.Contain("x * rsqrt(max(sum(x^2), 1e-12)) along its axis (tf.keras 2)").And.EndWith("output (5, 5) moved channels-first"));
        Assert.That(d["d3"], Does.EndWith("dot axes [-1, -1] as a bmm of (batch, m, k) by (batch, k, n), output (1) moved channels-first"));
    }
}
