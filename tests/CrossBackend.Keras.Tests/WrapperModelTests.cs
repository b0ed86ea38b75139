namespace CrossBackend.Keras.Tests;

/// <summary>
/// Bidirectional and TimeDistributed in whole files on every engine against float64 NumPy goldens
/// (Data/make_wrapper_models.py; its concat Bidirectional LSTM / GRU checked against real PyTorch 1.13
/// nn.LSTM / nn.GRU(bidirectional=True)): Bidirectional LSTM concat → GRU sum (the backward sequence flipped before
/// the sum) → GRU ave (last outputs) → Dense with the time axis None; a GRU with a different backward layer (2 units,
/// reset_after=False, softsign) concatenated → Bidirectional LSTM without bias merged by product; TimeDistributed
/// Conv2D → MaxPooling2D → Flatten → Dense over (batch, time, h, w, c). Each model as tf.keras 2 writes it (.h5,
/// <c>bidirectional/forward_lstm/lstm_cell/kernel:0</c>) and as Keras 3 does (.keras, variables under
/// <c>layers/bidirectional/forward_layer/cell/vars</c>, <c>layers/time_distributed/layer/vars</c>).
/// </summary>
[TestFixtureSource(typeof(TestData), nameof(TestData.Engines))]
public sealed class WrapperModelTests(ITensorEngine engine)
{
    [TestCase("bidir")]
    [TestCase("bidir_options")]
    [TestCase("time_dist")]
    public void OutputsMatchTheFloat64Golden(string stem)
    {
        GoldenModels.AssertBothFormats(engine, stem);
    }

    /// <summary>The file declares (None, None, 3): 5 steps and 2 steps run through the same model.</summary>
    [Test]
    public void AnUnknownTimestepCountTakesAnyLength()
    {
        GoldenModels.AssertBothFormats(engine, "bidir", "inputs_short", "outputs_short");
    }

    /// <summary>A weights file loaded into an architecture written in C#: the wrappers' default names (bidirectional,
    /// bidirectional_1, …) match the file's groups.</summary>
    [Test]
    public void AnArchitectureBuiltInCSharpTakesTheWeights()
    {
        KerasGraph architecture = KerasArchitecture.Sequential([-1, 3])
            .BidirectionalLSTM(4, returnSequences: true).BidirectionalGRU(3, "sum", returnSequences: true).BidirectionalGRU(3, "ave").Dense(2).Build();
        GoldenModels.AssertFile(engine, "bidir_k2.h5", "bidir_golden.npz", architecture: architecture);
    }

    /// <summary>TimeDistributed(Dense) and a plain Dense on a rank-3 input (Keras applies it to the last axis) are one
    /// function: with the same weights both give the same numbers, in float64 and float32 (the time axis None in the
    /// architecture, 4 steps at predict time).</summary>
    [TestCase(DType.Float64)]
    [TestCase(DType.Float32)]
    public void TimeDistributedDenseEqualsDenseOnTheLastAxis(DType dtype)
    {
        var rng = new Random(5);
        double[] Values(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        KerasWeight kernel = new("kernel", [7, 3], Values(21)), bias = new("bias", [3], Values(3));
        double[] x = Values(2 * 4 * 7);
        double[] Run(KerasArchitecture architecture, string group)
        {
            KerasModel model = KerasModel.FromWeights(architecture.Build(), [new KerasWeightGroup(group, [kernel, bias])], keras3Layout: false);
            using IKerasNetwork network = KerasRuntimes.Build(model, engine, dtype);
            KerasPrediction p = network.Predict(dtype == DType.Float64 ? x : Array.ConvertAll(x, v => (float)v), [2, 4, 7]);
            Assert.That(p.Shape, Is.EqualTo(new long[] { 2, 4, 3 }));
            return p.Values;
        }
        double[] wrapped = Run(KerasArchitecture.Sequential([-1, 7]).TimeDistributedDense(3, "tanh"), "time_distributed");
        double[] plain = Run(KerasArchitecture.Sequential([-1, 7]).Dense(3, activation: "tanh"), "dense");
        Assert.That(Close.MaxAbs(wrapped, plain), Is.LessThanOrEqualTo(dtype == DType.Float64 ? 1e-15 : 1e-6), $"{engine.Name} {dtype}");
    }

    [Test]
    public void ASequenceWithoutTimestepsIsRefusedNamingTheWrappedLayer()
    {
        using IKerasNetwork network = KerasRuntimes.Build(KerasModel.Load(TestData.Path("bidir.keras")), engine);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(Array.Empty<float>(), [2, 0, 3]));
        Assert.That(e!.Message, Does.StartWith("layer `bidirectional/forward_lstm` (LSTM) receives a sequence of 0 timesteps"));
    }
}
