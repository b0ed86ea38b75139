namespace CrossBackend.Keras.Tests;

/// <summary>
/// An Embedding's token ids on every engine: ids have no channels axis, so ids of rank ≥ 3 (a batch of (2, 2) token
/// grids) reach the lookup in Keras's layout, and the output is Keras's <c>table[ids]</c> (NumPy fancy indexing, as
/// <c>keras.layers.Embedding</c> computes <c>ops.take(embeddings, inputs, axis=0)</c>). Ids outside [0, input_dim)
/// are refused naming the layer, as TensorFlow refuses them (<c>indices[…] = 7 is not in [0, 7)</c>).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class EmbeddingIdsTests(ITensorEngine engine)
{
    private const int Vocabulary = 7, Dimension = 3;

    /// <summary>Row i of the table is (0.1·i, 0.1·i + 0.01, 0.1·i + 0.02): every id reads back distinctly.</summary>
    private static readonly double[] Table = Enumerable.Range(0, Vocabulary * Dimension).Select(k => 0.1 * (k / Dimension) + 0.01 * (k % Dimension)).ToArray();

    private IKerasNetwork Build(long[] idShape)
    {
        KerasGraph graph = KerasArchitecture.Sequential(idShape, dtype: "int32").Embedding(Vocabulary, Dimension, name: "tokens").Build();
        var table = new KerasWeight("tokens/embeddings:0", [Vocabulary, Dimension], Table.Select(v => (float)v).ToArray());
        return KerasRuntimes.Build(KerasModel.FromWeights(graph, [new KerasWeightGroup("tokens", [table])], keras3Layout: false), engine);
    }

    [Test]
    public void RankThreeIdsKeepKerassLayout()
    {
        // (batch 2, 2, 2) ids: a channels-first engine must not move their last axis.
        int[] ids = [0, 3, 6, 2, 1, 1, 5, 4];
        using IKerasNetwork network = Build([2, 2]);
        KerasPrediction p = network.Predict(ids, [2, 2, 2]);
        Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 2, 2, Dimension }));
        double[] expected = ids.SelectMany(id => Table.Skip(id * Dimension).Take(Dimension)).ToArray();   // table[ids]
        Close.Assert(p.Values, expected, engine.Name);
    }

    [TestCase(7)]
    [TestCase(-1)]
    public void AnIdOutsideTheVocabularyIsRefusedNamingTheLayer(int id)
    {
        using IKerasNetwork network = Build([4]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => network.Predict(new[] { 0, 3, id, 2 }, [1, 4]));
        Assert.That(e!.Message, Does.Contain("layer `tokens` (Embedding)").And.Contain($"token id {id}").And.Contain("[0, 7)"));
    }
}
