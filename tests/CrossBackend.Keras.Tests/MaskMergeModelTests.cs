namespace CrossBackend.Keras.Tests;

/// <summary>
/// Keras masks through the merge layers and Concatenate (Data/make_mask_merge_models.py): one model, three writers,
/// three rules — tf.keras 2 ANDs the masks present, Keras 3.0–3.3 drop them (Layer.__call__ read the mask of the input
/// list), Keras 3.4+ OR them, count an unmasked Concatenate input as all-true and change masked cells of Multiply,
/// Maximum and Minimum. Each merge feeds an LSTM with zero_output_for_mask, whose outputs are zeros exactly at the
/// steps its input's mask hides, and the model returns the merges and those LSTMs side by side.
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class MaskMergeModelTests(ITensorEngine engine)
{
    [TestCase("mask_merge_k2.h5", "outputs_k2")]
    [TestCase("mask_merge.keras", "outputs")]
    [TestCase("mask_merge_k33.keras", "outputs_k33")]
    public void EachWriterGivesItsKerasNumbers(string file, string golden)
    {
        GoldenModels.AssertFile(engine, file, "mask_merge_golden.npz", outputsKey: golden);
    }

    /// <summary>The three goldens differ (by up to 1.34), so a port applying one Keras's rule to another's file fails.</summary>
    [Test]
    public void TheThreeRulesGiveDifferentNumbers()
    {
        double[] k2 = TestData.Doubles(TestData.Npz("mask_merge_golden.npz", "outputs_k2"));
        double[] k34 = TestData.Doubles(TestData.Npz("mask_merge_golden.npz", "outputs"));
        double[] k33 = TestData.Doubles(TestData.Npz("mask_merge_golden.npz", "outputs_k33"));
        Assert.That(Close.MaxAbs(k2, k34), Is.GreaterThan(0.1));
        Assert.That(Close.MaxAbs(k33, k34), Is.GreaterThan(0.1));
        Assert.That(Close.MaxAbs(k2, k33), Is.GreaterThan(0.1));
    }
}

/// <summary>The role each writer's Keras gives a merge layer or Concatenate that receives a mask.</summary>
public sealed class MaskMergeRoleTests
{
    [TestCase("mask_merge_k2.h5", KerasMaskRole.MergesAll)]
    [TestCase("mask_merge.keras", KerasMaskRole.MergesAny)]
    [TestCase("mask_merge_k33.keras", KerasMaskRole.Drops)]
    public void TheWritersVersionPicksTheRule(string file, KerasMaskRole role)
    {
        KerasGraph graph = KerasModel.Load(TestData.Path(file)).Graph;
        foreach (string merge in new[] { "add", "mul", "mx", "mn", "mul_u", "avg", "sub", "cat", "cat_u", "cat_t" })
            Assert.That(graph[merge].MaskRole, Is.EqualTo(role), merge);
        // Keras 3.4+ hands a mask on from an element-wise merge only when every input has one; Concatenate always.
        Assert.That(graph["mn"].OutputMasked, Is.EqualTo(role == KerasMaskRole.MergesAll));
        Assert.That(graph["cat_u"].OutputMasked, Is.EqualTo(role != KerasMaskRole.Drops));
        Assert.That(graph["add"].OutputMasked, Is.EqualTo(role != KerasMaskRole.Drops));
    }
}
