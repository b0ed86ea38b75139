using CrossBackend.Keras.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The TorchSharp build as TorchSharp users see it (issue 14, item 3): an nn.Module whose parameters carry the Keras
/// layer names in PyTorch's layout, in eval mode, that can be saved and loaded like any module. These test the
/// TorchSharp API itself; engine parity is tested engine-neutrally in <see cref="ModelParityTests"/>.
/// </summary>
public sealed class TorchModuleTests
{
    private static KerasModel LeNet() => KerasModel.Load(TestData.Path("lenet_mnist_tf.h5"), LeNetTests.Architecture());

    [Test]
    public void ParametersAreNamedAfterTheKerasLayersInPyTorchLayout()
    {
        using KerasTorchModule module = KerasTorch.ToModule(LeNet());
        var shapes = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes["conv2d.conv.weight"], Is.EqualTo(new long[] { 32, 1, 3, 3 }));
        Assert.That(shapes["conv2d_2.conv.weight"], Is.EqualTo(new long[] { 64, 64, 3, 3 }));
        Assert.That(shapes["dense.linear.weight"], Is.EqualTo(new long[] { 64, 576 }));
        Assert.That(shapes["dense_1.linear.bias"], Is.EqualTo(new long[] { 10 }));
        Assert.That(module.parameters().Sum(p => p.numel()), Is.EqualTo(93_322), "Keras's LeNet has 93,322 parameters");
        Assert.That(module.training, Is.False, "built in eval mode");
    }

    /// <summary>LSTM and GRU keep Keras's layout on TorchSharp (their step loop reads it), under Keras's weight names;
    /// a returned sequence leaves the layer channels-first, (batch, units, time).</summary>
    [Test]
    public void RecurrentLayersKeepKerasWeightsAndReturnSequencesChannelsFirst()
    {
        KerasModel model = KerasModel.Load(TestData.Path("rnn_stack.keras"));
        using KerasTorchModule module = KerasTorch.ToModule(model);
        var shapes = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes["lstm.kernel"], Is.EqualTo(new long[] { 3, 16 }));
        Assert.That(shapes["lstm.recurrent_kernel"], Is.EqualTo(new long[] { 4, 16 }));
        Assert.That(shapes["gru.bias"], Is.EqualTo(new long[] { 2, 15 }));
        KerasGraph sequence = KerasArchitecture.Sequential([-1, 3]).LSTM(4, returnSequences: true).Build();
        KerasWeightGroup lstm = model.Source!.WeightGroups.Single(g => g.Name == "layers/lstm");
        using KerasTorchModule first = KerasTorch.ToModule(KerasModel.FromWeights(sequence, [lstm with { Name = "lstm" }], keras3Layout: false));
        using Tensor x = randn(2, 3, 7);   // (batch, features, time), channels first
        using Tensor y = first.forward(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 2, 4, 7 }));
    }

    [Test]
    public void TokenIdsOfRankThreeEnterTheModuleInKerassLayout()
    {
        // ids (batch, 2, 3) → Embedding(5, 4): the module takes them as Keras holds them (no channels axis to move)
        // and returns (batch, 4, 2, 3), channels first; inspect says so.
        KerasGraph graph = KerasArchitecture.Sequential([2, 3], dtype: "int32").Embedding(5, 4, name: "tokens").Build();
        float[] table = Enumerable.Range(0, 20).Select(i => i * 0.1f).ToArray();
        KerasModel model = KerasModel.FromWeights(graph, [new KerasWeightGroup("tokens", [new KerasWeight("tokens/embeddings:0", [5, 4], table)])], keras3Layout: false);
        using KerasTorchModule module = KerasTorch.ToModule(model);
        using Tensor ids = tensor(new long[] { 0, 1, 2, 3, 4, 0 }, [1, 2, 3]);
        using Tensor y = module.forward(ids);
        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 4, 2, 3 }));
        using Tensor id2 = y[0, .., 0, 2];   // held while its memory is copied out
        Assert.That(id2.data<float>().ToArray(), Is.EqualTo(table[8..12]), "id 2 at (0, 2)");
        Assert.That(KerasTorchConversion.Describe(graph)[graph.Inputs[0]], Does.StartWith("input token ids (2, 3)"));
    }

    /// <summary>A TorchSharp user calling forward gets Keras's masks too: the module makes the Embedding's mask from the
    /// ids it is given and the LSTM / GRU skip the padded steps; the inspect text says so.</summary>
    [Test]
    public void ForwardAppliesKerasMasks()
    {
        KerasModel model = KerasModel.Load(TestData.Path("mask_rnn.keras"));
        using KerasTorchModule module = KerasTorch.ToModule(model, DType.Float64);
        using Tensor ids = tensor(new long[] { 3, 5, 1, 7, 0, 0, 0, /**/ 0, 0, 0, 0, 0, 0, 0 }, [2, 7]);
        using Tensor y = module.forward(ids);
        double[] golden = TestData.Doubles(TestData.Npz("mask_rnn_golden.npz", "outputs"));
        double[] values = y.data<double>().ToArray();
        Assert.That(Close.MaxAbs(values[..3], golden[..3]), Is.LessThan(1e-12), "padded at the end");
        Assert.That(Close.MaxAbs(values[3..], golden[6..9]), Is.LessThan(1e-12), "every step masked: the Dense's bias");
        Assert.That(KerasTorchConversion.Describe(model.Graph)["lstm"], Does.Contain("masked steps keep the states and repeat the previous output"));
    }

    [Test]
    public void BatchNormKeepsTheFileStatistics()
    {
        KerasModel model = KerasModel.Load(TestData.Path("functional.keras"));
        using KerasTorchModule module = KerasTorch.ToModule(model);
        Tensor runningVar = module.named_buffers().Single(b => b.name == "bn_1.norm.running_var").buffer;
        Assert.That(runningVar.data<float>().ToArray(), Is.EqualTo(model.Graph["bn_1"].Weights[3].ToSingleArray()));
    }

    [Test]
    public void TheModuleSavesAndLoadsLikeAnyTorchSharpModule()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cb-keras-{Guid.NewGuid():N}.dat");
        try
        {
            using KerasTorchModule original = KerasTorch.ToModule(LeNet());
            original.save(path);
            using KerasTorchModule copy = KerasTorch.ToModule(LeNet());
            using (no_grad()) foreach (var p in copy.parameters()) p.zero_();
            copy.load(path);
            using Tensor x = rand(2, 1, 28, 28);
            using Tensor a = original.forward(x), b = copy.forward(x);
            Assert.That(a.equal(b).all().item<bool>(), Is.True, "the loaded copy computes what the original does");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ForwardReturnsAResultOwnedByTheCallersScopeAndFreesTheRest()
    {
        using KerasTorchModule module = KerasTorch.ToModule(KerasModel.Load(TestData.Path("functional.keras")));
        using Tensor x = rand(3, 3, 10, 10);
        Tensor y;
        using (DisposeScope scope = NewDisposeScope())
        {
            y = module.forward(x).MoveToOuterDisposeScope();
            Assert.That(scope.DisposablesCount, Is.EqualTo(0), "intermediates are disposed inside forward");
        }
        Assert.That(y.IsInvalid, Is.False);
        Assert.That(y.shape, Is.EqualTo(new long[] { 3, 4 }));
        y.Dispose();
    }

    /// <summary>A Sequential model of one regularisation layer, as Keras's <c>model.to_json()</c> writes it.</summary>
    private static KerasTorchModule OneLayer(string className, string config, string inputShape) =>
        KerasTorch.ToModule(KerasModel.FromWeights(KerasGraph.FromJson(
            "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [" +
            $"{{\"class_name\": \"InputLayer\", \"config\": {{\"batch_input_shape\": [null, {inputShape}], \"dtype\": \"float32\", \"name\": \"input_1\"}}}}, " +
            $"{{\"class_name\": \"{className}\", \"config\": {{{config}, \"name\": \"noise\"}}}}]}}}}"), [], keras3Layout: false));

    /// <summary>Keras's SpatialDropout1D/2D drop whole channels (noise_shape (batch, 1, channels) and (batch, 1, 1,
    /// channels), keras/src/layers/regularization/spatial_dropout.py), scaling the kept ones by 1 / (1 − rate); on the
    /// channels-first module that is nn.Dropout1d / nn.Dropout2d. Element-wise dropout would mix 0 and 2 inside a
    /// channel (the chance that it does not, over 2·16 channels of 20 or 6 cells, is below 2⁻¹⁰⁰).</summary>
    [TestCase("SpatialDropout1D", "6, 16", new long[] { 2, 16, 6 })]
    [TestCase("SpatialDropout2D", "4, 5, 16", new long[] { 2, 16, 4, 5 })]
    [TestCase("SpatialDropout3D", "3, 4, 2, 16", new long[] { 2, 16, 3, 4, 2 })]
    public void SpatialDropoutDropsWholeChannelsWhenFineTuned(string className, string inputShape, long[] channelsFirst)
    {
        using KerasTorchModule module = OneLayer(className, "\"rate\": 0.5", inputShape);
        using Tensor x = ones(channelsFirst);
        using (Tensor eval = module.forward(x)) Assert.That(eval.equal(x).all().item<bool>(), Is.True, "eval mode: the identity");
        module.train();
        torch.random.manual_seed(11);
        using Tensor y = module.forward(x);
        float[][] channels;
        using (DisposeScope views = NewDisposeScope())   // holds the chained views while libtorch and the copies read them
            channels = Enumerable.Range(0, 2 * 16).Select(i => y.flatten(0, 1)[i].flatten().data<float>().ToArray()).ToArray();
        foreach (float[] channel in channels)
            Assert.That(channel.Distinct().Single(), Is.EqualTo(0f).Or.EqualTo(2f), "a channel is dropped or kept whole, kept ones scaled by 1 / (1 − 0.5)");
        Assert.That(channels.Select(c => c[0]).Distinct().Count(), Is.EqualTo(2), "some channels dropped, some kept");
    }

    /// <summary>Keras 3's GaussianDropout(rate) multiplies by N(1, σ²) noise with σ = √(rate / (1 − rate))
    /// (keras/src/layers/regularization/gaussian_dropout.py): 0.5 for rate 0.2. Bernoulli dropout has the same σ but
    /// only the values 0 and 1.25; GaussianNoise(stddev) adds N(0, stddev²) noise. 40,000 draws: the sample mean and
    /// standard deviation are within 0.01 (about 4 standard errors).</summary>
    [TestCase("GaussianDropout", "\"rate\": 0.2", 0.5, true)]
    [TestCase("GaussianNoise", "\"stddev\": 0.3", 0.3, false)]
    public void GaussianNoiseLayersDrawKerassNoiseWhenFineTuned(string className, string config, double sigma, bool multiplicative)
    {
        using KerasTorchModule module = OneLayer(className, config, "10000");
        using Tensor x = full(4, 10000, 2f);
        using (Tensor eval = module.forward(x)) Assert.That(eval.equal(x).all().item<bool>(), Is.True, "eval mode: the identity");
        module.train();
        torch.random.manual_seed(12);
        using Tensor y = module.forward(x);
        using Tensor wide = y.to_type(ScalarType.Float64);   // held while its memory is copied out
        double[] noise = wide.data<double>().ToArray().Select(v => multiplicative ? v / 2 - 1 : v - 2).ToArray();
        double mean = noise.Average(), sd = Math.Sqrt(noise.Sum(v => (v - mean) * (v - mean)) / noise.Length);
        Assert.That(mean, Is.EqualTo(0).Within(0.01), "centred noise");
        Assert.That(sd, Is.EqualTo(sigma).Within(0.01), "Keras's standard deviation");
        Assert.That(noise.Distinct().Count(), Is.GreaterThan(30_000), "continuous noise, not a Bernoulli mask");
    }
}
