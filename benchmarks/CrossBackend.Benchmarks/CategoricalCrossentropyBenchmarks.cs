using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CrossBackend;
using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Benchmarks;

/// <summary>
/// Dense categorical crossentropy (mean, probabilities) at (B, C): our TorchSharp path against the hand-written
/// TorchSharp expression, and the channels-last engine against both, in one run so ratios are side by side.
/// In-process, so the TorchSharp native fix applied at start-up covers the benchmark too.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class CategoricalCrossentropyBenchmarks
{
    private sealed class InProcessConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
    }

    [Params(32, 4096, 65536)] public int Batch;
    [Params(100)] public int Classes;

    private torch.Tensor _torchPred = null!, _torchTrue = null!;
    private Tensor<float> _pred = null!, _true = null!;

    [GlobalSetup]
    public void Setup()
    {
        TorchEngine.EnsureNativeLoadable();
        var random = new Random(0);
        var p = new float[Batch * Classes];
        var t = new float[Batch * Classes];
        for (int r = 0; r < Batch; r++)
        {
            float sum = 0;
            for (int c = 0; c < Classes; c++) sum += p[r * Classes + c] = (float)random.NextDouble();
            for (int c = 0; c < Classes; c++) p[r * Classes + c] /= sum;
            t[r * Classes + random.Next(Classes)] = 1;
        }
        _torchPred = torch.tensor(p, [Batch, Classes]);
        _torchTrue = torch.tensor(t, [Batch, Classes]);
        _pred = System.Numerics.Tensors.Tensor.Create(p, [Batch, Classes]);
        _true = System.Numerics.Tensors.Tensor.Create(t, [Batch, Classes]);
    }

    [Benchmark(Baseline = true, Description = "torch hand-written")]
    public float TorchHandWritten()
    {
        using var scope = torch.NewDisposeScope();
        var normalised = _torchPred / _torchPred.sum(1, keepdim: true);
        return (-(_torchTrue * normalised.clamp(1e-7, 1 - 1e-7).log()).sum(1)).mean().item<float>();
    }

    [Benchmark(Description = "torch CrossBackend")]
    public float TorchOurs()
    {
        using var scope = torch.NewDisposeScope();
        return Losses.CategoricalCrossentropy(_torchPred, _torchTrue).item<float>();
    }

    [Benchmark(Description = "numerics CrossBackend")]
    public float NumericsOurs() => Losses.CategoricalCrossentropy(_pred, _true)[0];
}
