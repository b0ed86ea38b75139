namespace CrossBackend.Keras.Tests;

/// <summary>
/// The Keras version given to an architecture written in C# (<c>Build(kerasVersion)</c> of <see cref="KerasArchitecture"/>
/// and <see cref="KerasFunctional"/>): mask_cross (Data/make_attention_mask_models.py) written with the builder — two
/// token inputs with their own Embedding(mask_zero), MultiHeadAttention by keyword with a key, Attention,
/// AdditiveAttention, a masked mean — is refused without a version (the attention layers' mask rules are the
/// writer's), and with one gives the golden file's numbers for that writer: Keras 3.6.0 and tf.keras 2.11.0 the same
/// masked numbers, Keras 3.3.3 a plain mean after Attention (its <c>k33_</c> golden); float64 within 1e-12.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class ArchitectureVersionTests(ITensorEngine engine)
{
    /// <summary>mask_cross as the script builds it, with its layer names (the tf.keras 2 file matches by name).</summary>
    internal static KerasGraph MaskCross(string? kerasVersion)
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "mask_cross");
        KerasSymbol qtok = f.Input([-1], dtype: "int32", name: "qtok"), vtok = f.Input([-1], dtype: "int32", name: "vtok");
        KerasSymbol eq = f.Apply(l => l.Embedding(10, 4, name: "eq", maskZero: true), qtok);
        KerasSymbol ev = f.Apply(l => l.Embedding(9, 4, name: "ev", maskZero: true), vtok);
        KerasSymbol ek = f.Apply(l => l.Dense(4, name: "ek"), ev);
        KerasSymbol mha = f.MultiHeadAttention(2, 2, eq, ev, key: ek, byKeyword: true, name: "mha");
        KerasSymbol att = f.Attention(eq, ev, useScale: true, name: "att");
        KerasSymbol add = f.AdditiveAttention(eq, ev, ek, useScale: true, name: "add");
        KerasSymbol pooled = f.Apply(l => l.GlobalAveragePooling1D(name: "pooled"), att);
        return f.Build([mha, att, add, pooled], kerasVersion: kerasVersion);
    }

    [Test]
    public void WithoutAVersionAMaskReachingAttentionIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => MaskCross(null));
        Assert.That(e!.Message, Does.Contain("receives a mask").And.Contain("does not say which Keras wrote it").And.Contain("Build(kerasVersion: "));
    }

    /// <summary>Each writer's version gives that writer's golden. The weights are the tf.keras 2 file's, matched by name
    /// (the script writes the same weights into all three files; its .keras archives list the layers in the script's
    /// order, not the walk Keras 3 would save, so they do not match a graph by position): 3.6.0 and 2.11.0 give the
    /// masked numbers, 3.3.3 the plain mean after Attention (its Attention hands on no mask).</summary>
    [TestCase("3.6.0", "")]
    [TestCase("2.11.0", "")]
    [TestCase("3.3.3", "k33_")]
    public void WithAVersionTheGraphGivesThatWritersGolden(string kerasVersion, string prefix)
    {
        MultiGoldenModels.AssertFile(engine, "mask_cross_k2.h5", "mask_cross_golden.npz", prefix, MaskCross(kerasVersion));
    }

    /// <summary>The same graph with the steps None: 2 query steps against 3 value steps, the masks sized per call.</summary>
    [Test]
    public void WithAVersionTheMasksAreSizedPerCall()
    {
        MultiGoldenModels.AssertFile(engine, "mask_cross_k2.h5", "mask_cross_golden.npz", "short_", MaskCross("3.6.0"));
    }
}

/// <summary>The version argument itself: checked as the rules read it, recorded where tf.keras 2 writes it, and the
/// tf.keras 2 layer order kept.</summary>
public sealed class ArchitectureVersionArgumentTests
{
    [TestCase("")]
    [TestCase("latest")]
    [TestCase("v3.6.0")]
    public void AVersionThatIsNoVersionIsRefusedNamingTheArgument(string version)
    {
        var sequential = Assert.Throws<ArgumentException>(() => KerasArchitecture.Sequential([3]).Dense(2).Build(version));
        Assert.That(sequential!.ParamName, Is.EqualTo("kerasVersion"));
        Assert.That(sequential.Message, Does.Contain("\"3.6.0\""));
        Assert.Throws<ArgumentException>(() => KerasArchitecture.Sequential([3]).Dense(2).ToJson(version));
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([3]);
        KerasSymbol y = f.Apply(l => l.Dense(2), x);
        Assert.That(Assert.Throws<ArgumentException>(() => f.Build([y], kerasVersion: version))!.ParamName, Is.EqualTo("kerasVersion"));
        Assert.That(Assert.Throws<ArgumentException>(() => f.ToJson([y], kerasVersion: version))!.ParamName, Is.EqualTo("kerasVersion"));
    }

    /// <summary>Embedding(mask_zero) → Add with an unmasked branch, written in C#: refused without a version; with one,
    /// the writer's merge rule (tf.keras 2 ANDs the masks present, Keras 3.0–3.3 drop them, 3.4+ OR them and hand a mask
    /// on only when every input has one — mask_merge's rules, KerasMergeMasks).</summary>
    [TestCase("2.11.0", KerasMaskRole.MergesAll, true)]
    [TestCase("3.6.0", KerasMaskRole.MergesAny, false)]
    [TestCase("3.3.3", KerasMaskRole.Drops, false)]
    public void AMergeOfAMaskedEmbeddingFollowsTheVersion(string version, KerasMaskRole role, bool masked)
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol ids = f.Input([7], dtype: "int32", name: "ids");
        KerasSymbol a = f.Apply(l => l.Embedding(10, 4, name: "a", maskZero: true), ids);
        KerasSymbol u = f.Apply(l => l.Embedding(10, 4, name: "u"), ids);
        KerasSymbol sum = f.Add([a, u], name: "sum");
        var e = Assert.Throws<NotSupportedException>(() => f.Build([sum]));
        Assert.That(e!.Message, Does.Contain("`sum`").And.Contain("does not say which Keras wrote it").And.Contain("Build(kerasVersion: \"3.6.0\")"));
        KerasGraph g = f.Build([sum], kerasVersion: version);
        Assert.That(g["sum"].MaskRole, Is.EqualTo(role));
        Assert.That(g["sum"].OutputMasked, Is.EqualTo(masked));
    }

    [Test]
    public void ToJsonWritesTheVersionAtTheTopLevelAsTfKeras2Does()
    {
        string sequential = KerasArchitecture.Sequential([3]).Dense(2).ToJson("2.11.0");
        Assert.That(System.Text.Json.JsonDocument.Parse(sequential).RootElement.GetProperty("keras_version").GetString(), Is.EqualTo("2.11.0"));
        Assert.That(KerasArchitecture.Sequential([3]).Dense(2).ToJson(), Does.Not.Contain("keras_version"));
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol y = f.Apply(l => l.Dense(2), f.Input([3]));
        Assert.That(System.Text.Json.JsonDocument.Parse(f.ToJson([y], kerasVersion: "3.6.0")).RootElement.GetProperty("keras_version").GetString(), Is.EqualTo("3.6.0"));
    }

    /// <summary>A keyword MultiHeadAttention call with a key: tf.keras 2 walks query, key, value; the graph built with a
    /// version keeps that order for by-order matching (FromJson of ToJson would lose it).</summary>
    [Test]
    public void TheFunctionalBuilderKeepsTfKeras2sLayerOrderWithAVersion()
    {
        KerasFunctional f = KerasArchitecture.Functional();
        KerasSymbol x = f.Input([5, 4], name: "x");
        KerasSymbol q = f.Apply(l => l.Dense(4, name: "to_q"), x), k = f.Apply(l => l.Dense(4, name: "to_k"), x), v = f.Apply(l => l.Dense(4, name: "to_v"), x);
        KerasSymbol mha = f.MultiHeadAttention(2, 2, q, v, key: k, byKeyword: true, name: "mha");
        string[] fileOrder = ["to_q", "to_k", "to_v", "mha"];
        foreach (string? version in new[] { "2.11.0", "3.6.0" })
        {
            KerasGraph g = f.Build([mha], kerasVersion: version);
            KerasWeightGroup[] groups = fileOrder.Select((layer, i) => new KerasWeightGroup($"dense_{7 + i}",
                g[layer].ExpectedWeights.Select(e => new KerasWeight($"dense_{7 + i}/{e.Name}", e.Shape,
                    Enumerable.Repeat(0.1f * (i + 1), (int)e.Shape.Aggregate(1L, (a, b) => a * b)).ToArray())).ToArray())).ToArray();
            KerasModel model = KerasModel.FromWeights(g, groups, keras3Layout: false, KerasWeightMatching.ByOrder);
            for (int i = 0; i < fileOrder.Length; i++)
                Assert.That(model.Graph[fileOrder[i]].Weights[0], Is.SameAs(groups[i].Weights[0]), $"Keras {version}: {fileOrder[i]} takes the file's group {i}");
        }
    }
}
