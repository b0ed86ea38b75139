using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using CrossBackend.Keras.Numerics;
using CrossBackend.Keras.Torch;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using NTensor = System.Numerics.Tensors.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// The Keras port on FastEstimator's LeNet (tests/CrossBackend.Keras.Tests/Data/lenet_mnist_tf.h5): loading the
/// file and building each engine's model, and inference per engine against the same network hand-written in
/// TorchSharp (nn.Sequential of Conv2d/ReLU/MaxPool2d/Flatten/Linear/Softmax with the weights converted by hand) —
/// the target is that the converted module costs what the hand-written one does (no per-call conversion).
/// </summary>
[Config(typeof(LeanConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class KerasLeNetBenchmarks
{
    private sealed class LeanConfig() : LeanJobConfig(iterations: 9, iterationMilliseconds: 150, Perfolizer.Horology.TimeUnit.Microsecond);

    /// <summary>Images per call.</summary>
    [Params(1, 64)] public int Batch = 1;

    private string _weights = null!;
    private KerasGraph _architecture = null!;
    private KerasModel _model = null!;
    private KerasTorchModule _converted = null!;
    private nn.Module<Tensor, Tensor> _handWritten = null!;
    private KerasNumericsModel<float> _numerics = null!;
    private Tensor _nchw = null!;
    private Tensor<float> _nhwc = null!;

    /// <summary>The repository's LeNet file, found from the working directory upwards.</summary>
    public static string LeNetPath()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "CrossBackend.Keras.Tests", "Data", "lenet_mnist_tf.h5");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("Run from inside the repository: tests/CrossBackend.Keras.Tests/Data/lenet_mnist_tf.h5 not found.");
    }

    public static KerasGraph LeNet() => KerasArchitecture.Sequential([28, 28, 1])
        .Conv2D(32, 3, activation: "relu").MaxPooling2D(2)
        .Conv2D(64, 3, activation: "relu").MaxPooling2D(2)
        .Conv2D(64, 3, activation: "relu")
        .Flatten().Dense(64, activation: "relu").Dense(10, activation: "softmax")
        .Build();

    [GlobalSetup]
    public void Setup()
    {
        TorchEngine.EnsureNativeLoadable();
        _weights = LeNetPath();
        _architecture = LeNet();
        _model = KerasModel.Load(_weights, _architecture);
        _converted = KerasTorch.ToModule(_model);
        _handWritten = HandWritten(_model);
        _numerics = new KerasNumericsModel<float>(_model);
        var random = new Random(14);
        float[] pixels = Enumerable.Range(0, Batch * 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
        _nhwc = NTensor.Create(pixels, [Batch, 28, 28, 1]);
        _nchw = torch.tensor(pixels, [Batch, 1, 28, 28]);   // one channel: NHWC and NCHW hold the same order
    }

    /// <summary>LeNet written by hand in TorchSharp, weights converted with the public converters.</summary>
    private static nn.Module<Tensor, Tensor> HandWritten(KerasModel model)
    {
        KerasArray<float> W(string layer, int i) => new(model.Graph[layer].Weights[i].ToSingleArray(), model.Graph[layer].Weights[i].Shape);
        var c1 = nn.Conv2d(1, 32, 3); var c2 = nn.Conv2d(32, 64, 3); var c3 = nn.Conv2d(64, 64, 3);
        var d1 = nn.Linear(576, 64); var d2 = nn.Linear(64, 10);
        void Set(Tensor target, KerasArray<float> value) { using var t = torch.tensor(value.Data, value.Shape); using (no_grad()) target.copy_(t); }
        Set(c1.weight!, KerasLayout.ConvKernelToTorch(W("conv2d", 0))); Set(c1.bias!, W("conv2d", 1));
        Set(c2.weight!, KerasLayout.ConvKernelToTorch(W("conv2d_1", 0))); Set(c2.bias!, W("conv2d_1", 1));
        Set(c3.weight!, KerasLayout.ConvKernelToTorch(W("conv2d_2", 0))); Set(c3.bias!, W("conv2d_2", 1));
        Set(d1.weight!, KerasLayout.FlattenedDenseKernelToTorch(W("dense", 0), [3, 3, 64])); Set(d1.bias!, W("dense", 1));
        Set(d2.weight!, KerasLayout.DenseKernelToTorch(W("dense_1", 0))); Set(d2.bias!, W("dense_1", 1));
        var net = nn.Sequential(c1, nn.ReLU(), nn.MaxPool2d(2), c2, nn.ReLU(), nn.MaxPool2d(2), c3, nn.ReLU(), nn.Flatten(), d1, nn.ReLU(), d2, nn.Softmax(1));
        net.eval();
        return net;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _converted.Dispose();
        _handWritten.Dispose();
        _nchw.Dispose();
    }

    [BenchmarkCategory("load"), Benchmark(Description = "read file + bind weights")]
    public KerasModel LoadFile() => KerasModel.Load(_weights, _architecture);

    [BenchmarkCategory("load"), Benchmark(Description = "read + build TorchSharp module")]
    public void LoadTorch() { using KerasTorchModule m = KerasTorch.ToModule(KerasModel.Load(_weights, _architecture)); }

    [BenchmarkCategory("load"), Benchmark(Description = "read + build numerics model")]
    public KerasNumericsModel<float> LoadNumerics() => new(KerasModel.Load(_weights, _architecture));

    [BenchmarkCategory("inference"), Benchmark(Baseline = true, Description = "hand-written TorchSharp")]
    public void HandWrittenTorch()
    {
        using var _ = no_grad();
        using Tensor y = _handWritten.forward(_nchw);
    }

    [BenchmarkCategory("inference"), Benchmark(Description = "KerasTorchModule")]
    public void ConvertedTorch()
    {
        using var _ = no_grad();
        using Tensor y = _converted.forward(_nchw);
    }

    [BenchmarkCategory("inference"), Benchmark(Description = "numerics (NHWC, im2col)")]
    public Tensor<float> Numerics() => _numerics.Predict(_nhwc);
}
