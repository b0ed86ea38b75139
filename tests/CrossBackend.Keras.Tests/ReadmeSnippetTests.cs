using CrossBackend.IO;
using CrossBackend.Keras;
using CrossBackend.Keras.Torch;
using TorchSharp;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The README's "Porting a Keras model" fragments, run: each region between <c>README:begin</c> and <c>README:end</c> is
/// what the README shows (CrossBackend.Tests' <c>ReadmeCodeBlockTests</c> holds the README to it; a line ending in
/// <c>// (not in README)</c> is test plumbing the README leaves out), with its inputs set up before it and its results
/// checked against the float64 goldens after it.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private static torch.Tensor Nchw(NpyArray nhwc)
    {
        // Held by `using` through permute (the view then holds the storage): TorchSharp does not keep a bare
        // temporary alive during its own native call, so a collection could finalize it under libtorch.
        using torch.Tensor nhwcTensor = torch.tensor(TestData.Doubles(nhwc).Select(v => (float)v).ToArray(), nhwc.Shape);
        return nhwcTensor.permute(0, 3, 1, 2);
    }

    /// <summary>The values as float64, the cast held by a dispose scope while its memory is copied out (a bare
    /// <c>to_type(…).data&lt;double&gt;().ToArray()</c> leaves the cast unreferenced during the copy).</summary>
    private static double[] Float64Values(torch.Tensor y)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        return y.to_type(torch.ScalarType.Float64).data<double>().ToArray();
    }

    [Test]
    public void PortingAKerasModel()
    {
        string modelFile = TestData.Path("functional.keras");
        NpyArray inputs = TestData.Npz("functional_golden.npz", "inputs");
        double[] golden = TestData.Doubles(TestData.Npz("functional_golden.npz", "outputs"));
        Array pixels = inputs.Data;
        (long batch, long height, long width, long channels) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[2], inputs.Shape[3]);
        var predictions = new List<(string Engine, KerasPrediction Prediction)>();
        // README:begin
        KerasModel model = KerasModel.Load(modelFile);                  // a Keras 3 .keras archive, or a Keras 2 full-model .h5
        foreach (ITensorEngine engine in TensorEngines.All)
        {
            using IKerasNetwork network = KerasRuntimes.Build(model, engine);
            KerasPrediction p = network.Predict(pixels, [batch, height, width, channels]);   // NHWC in, Keras's layout out
            predictions.Add((engine.Name, p));   // (not in README)
        }

        KerasTorchModule module = KerasTorch.ToModule(model);   // a TorchSharp nn.Module: NCHW in and out, fine-tune or save it
        // README:end
        Assert.That(predictions, Has.Count.EqualTo(TensorEngines.All.Count));
        foreach ((string engine, KerasPrediction p) in predictions)
            Close.Assert(p.Values, golden, $"{engine} prediction of functional.keras");
        using (module)
        using (torch.Tensor x = Nchw(inputs))
        using (torch.Tensor y = module.forward(x))
            Close.Assert(Float64Values(y), golden, "the nn.Module's forward");
    }

    [Test]
    public void FastEstimatorsLeNet()
    {
        string weightsFile = TestData.Path("lenet_mnist_tf.h5");
        // README:begin
        KerasGraph lenet = KerasArchitecture.Sequential([28, 28, 1])
            .Conv2D(32, 3, activation: "relu").MaxPooling2D(2)
            .Conv2D(64, 3, activation: "relu").MaxPooling2D(2)
            .Conv2D(64, 3, activation: "relu")
            .Flatten().Dense(64, activation: "relu").Dense(10, activation: "softmax")
            .Build();
        KerasModel model = KerasModel.Load(weightsFile, lenet);          // weightsFile: the path of lenet_mnist_tf.h5
        using KerasTorchModule module = KerasTorch.ToModule(model);   // Conv2d(1, 32, 3) … Linear(576, 64) with permuted rows …
        // README:end
        using torch.Tensor x = Nchw(TestData.Npz("lenet_golden.npz", "inputs"));
        using torch.Tensor y = module.forward(x);
        Close.Assert(Float64Values(y), TestData.Doubles(TestData.Npz("lenet_golden.npz", "probs")),
            "LeNet probabilities through the nn.Module");
    }
}
