namespace CrossBackend.Keras.Tests;

/// <summary>Issue 14, item 1: the formats load, with the weights h5py reads and the architecture the config declares.</summary>
public sealed class KerasFileTests
{
    [Test]
    public void Keras2WeightsOnlyFileListsEveryLayerWithItsWeights()
    {
        KerasFile file = KerasFile.Open(TestData.Path("lenet_mnist_tf.h5"));
        Assert.That(file.Format, Is.EqualTo(KerasFileFormat.Keras2Weights));
        Assert.That(file.KerasVersion, Is.EqualTo("2.11.0"));
        Assert.That(file.HasArchitecture, Is.False);
        Assert.That(file.WeightGroups.Select(g => g.Name),
            Is.EqualTo(new[] { "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2", "flatten", "dense", "dense_1" }));
        KerasWeightGroup conv = file.WeightGroups[0];
        Assert.That(conv.Weights.Select(w => w.Name), Is.EqualTo(new[] { "conv2d/kernel:0", "conv2d/bias:0" }));
        Assert.That(conv.Weights[0].Shape, Is.EqualTo(new long[] { 3, 3, 1, 32 }));
        Assert.That(conv.Weights[0].DType, Is.EqualTo(DType.Float32));
        Assert.That(file.WeightGroups[6].Weights[0].Shape, Is.EqualTo(new long[] { 576, 64 }));
    }

    [Test]
    public void WeightValuesAreTheOnesH5pyReads()
    {
        KerasFile file = KerasFile.Open(TestData.Path("lenet_mnist_tf.h5"));
        Assert.That(file.WeightGroups[0].Weights[0].ToSingleArray(), Is.EqualTo((float[])TestData.Npz("lenet_golden.npz", "w_conv2d_kernel").Data));
        Assert.That(file.WeightGroups[7].Weights[1].ToSingleArray(), Is.EqualTo((float[])TestData.Npz("lenet_golden.npz", "w_dense_1_bias").Data));
    }

    [TestCase("functional_k2.h5", KerasFileFormat.Keras2FullModel, "2.11.0")]
    [TestCase("functional.keras", KerasFileFormat.Keras3Archive, "3.6.0")]
    [TestCase("functional.weights.h5", KerasFileFormat.Keras3Weights, null)]
    [TestCase("zoo_k2.h5", KerasFileFormat.Keras2FullModel, "2.11.0")]
    [TestCase("embed.keras", KerasFileFormat.Keras3Archive, "3.6.0")]
    public void FormatIsRecognisedByContent(string name, KerasFileFormat format, string? version)
    {
        KerasFile file = KerasFile.Open(TestData.Path(name));
        Assert.That(file.Format, Is.EqualTo(format));
        Assert.That(file.KerasVersion, Is.EqualTo(version));
        Assert.That(file.HasArchitecture, Is.EqualTo(format != KerasFileFormat.Keras3Weights));
    }

    [Test]
    public void Keras3GroupsAreNamedAfterTheLayerClassNotTheLayer()
    {
        KerasFile file = KerasFile.Open(TestData.Path("functional.keras"));
        string[] withWeights = file.WeightGroups.Where(g => g.Weights.Count > 0).Select(g => g.Name).OrderBy(n => n).ToArray();
        Assert.That(withWeights, Is.EqualTo(new[]
        {
            "layers/batch_normalization", "layers/batch_normalization_1", "layers/conv2d", "layers/conv2d_1", "layers/dense", "layers/dense_1",
        }));
        // The layers are called conv_s2, bn_1, conv_b, bn_2, ...: the model still binds them by Keras 3's rule.
        KerasModel model = KerasModel.Load(TestData.Path("functional.keras"));
        Assert.That(model.Graph["bn_2"].Weights.Select(w => w.Shape[0]), Is.EqualTo(new long[] { 8, 8, 8 }), "scale=False: beta, mean, variance");
        Assert.That(model.Graph["conv_b"].Weights[0].Shape, Is.EqualTo(new long[] { 3, 3, 8, 8 }));
    }

    [TestCase("functional_k2.h5")]
    [TestCase("functional.keras")]
    public void BothFormatsDescribeTheSameGraph(string name)
    {
        KerasGraph g = KerasModel.Load(TestData.Path(name)).Graph;
        Assert.That(g.IsSequential, Is.False);
        Assert.That(g.Inputs, Is.EqualTo(new[] { "input_1" }));
        Assert.That(g.Outputs, Is.EqualTo(new[] { "dense_1" }));
        Assert.That(g["add"].Inbound, Is.EqualTo(new[] { "relu_1", "bn_2" }));
        Assert.That(g["concat"].Inbound, Is.EqualTo(new[] { "avg_pool", "max_pool" }));
        Assert.That(g["conv_s2"].OutputShape, Is.EqualTo(new long[] { 5, 5, 8 }), "ceil(10 / 2) with same padding");
        Assert.That(g["avg_pool"].OutputShape, Is.EqualTo(new long[] { 3, 3, 8 }));
        Assert.That(g["flatten"].OutputShape, Is.EqualTo(new long[] { 144 }));
        Assert.That(g["bn_1"].Spec, Is.EqualTo(new BatchNormSpec(0.001, true, true, 0.99, 3)));
        Assert.That(g["bn_2"].Spec, Is.EqualTo(new BatchNormSpec(0.01, true, false, 0.99, -1)));
        Assert.That(((ConvSpec)g["conv_s2"].Spec).Padding, Is.EqualTo(KerasPadding.Same));
        Assert.That(g.HasWeights);
    }

    [Test]
    public void SequentialWithoutInputLayerTakesTheShapeFromItsFirstLayer()
    {
        string json = """
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "Dense", "config": {"name": "dense", "units": 3, "batch_input_shape": [null, 4], "activation": "relu"}},
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 2}}]}}
            """;
        KerasGraph g = KerasGraph.FromJson(json);
        Assert.That(g.Layers.Select(l => l.Name), Is.EqualTo(new[] { "dense_input", "dense", "dense_1" }));
        Assert.That(g["dense"].ExpectedWeights.Select(w => w.Shape), Is.EqualTo(new[] { new long[] { 4, 3 }, new long[] { 3 } }));
    }

    [Test]
    public void ArchitectureBuilderWritesWhatKerasWouldSave()
    {
        KerasGraph fromCSharp = LeNetTests.Architecture();
        KerasGraph fromJson = KerasGraph.FromJson(File.ReadAllText(TestData.Path("lenet_architecture.json")));
        Assert.That(fromCSharp.Layers.Skip(1).Select(l => (l.Name, l.ClassName, l.Spec.ToString(), string.Join(",", l.OutputShape))),
            Is.EqualTo(fromJson.Layers.Skip(1).Select(l => (l.Name, l.ClassName, l.Spec.ToString(), string.Join(",", l.OutputShape)))));
    }
}
