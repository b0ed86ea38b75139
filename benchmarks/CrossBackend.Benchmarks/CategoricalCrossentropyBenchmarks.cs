using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CrossBackend;
using CrossBackend.Backends.Numerics;
using CrossBackend.Backends.Torch;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// Categorical crossentropy (mean) at the shapes: our TorchSharp path against the fastest hand-written
/// TorchSharp formulation (the baseline of each category) and the literal one, the channels-last engine against
/// both, forward and forward+backward, with and without class weights, plus the memory floor (reading both inputs
/// once). The formulations are <see cref="BenchSuite"/>'s, the same code <c>crossbackend bench</c> times.
/// In-process, so the TorchSharp native fix applied at start-up covers the benchmark too.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LeanConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class CategoricalCrossentropyBenchmarks
{
    /// <summary>Short, explicit iteration counts: the whole matrix runs in about 7 minutes on 2 cores.</summary>
    private sealed class LeanConfig() : LeanJobConfig(iterations: 9, iterationMilliseconds: 120, Perfolizer.Horology.TimeUnit.Microsecond);

    /// <summary>Channels-last shape (B, C) or (N, H, W, C); torch gets it channels-first. Issue 13's class counts:
    /// 10, 21 (segmentation), 100 and 1000.</summary>
    [Params("32x10", "4096x100", "65536x100", "8x128x128x21", "4096x1000")] public string Shape = "32x10";

    private BenchSuite.Inputs _hot = null!, _soft = null!;
    private Tensor _x = null!, _lx = null!, _y = null!, _xg = null!, _lg = null!, _index = null!;
    private Tensor _sx = null!, _sy = null!, _sxg = null!;
    private Tensor<float> _p = null!, _nl = null!, _ny = null!, _sp = null!, _sny = null!;
    private static readonly Dictionary<int, double> Weights = new() { [1] = 2.0, [3] = 0.5 };

    /// <summary>The inputs of the last shape set up, shared by every benchmark of that shape (BenchmarkDotNet runs a
    /// category's benchmarks shape by shape, in this one process), so that two benchmarks of a pair differ only in the
    /// code they run, not in where their inputs sit. The spread that remains between separately timed benchmarks of
    /// the same work is measured in benchmarks/README.md (session 40). The next shape's set-up disposes them, the
    /// process's end the last.</summary>
    private static (string Shape, BenchSuite.Inputs Hot, BenchSuite.Inputs Soft)? _shared;

    [GlobalSetup]
    public void Setup()
    {
        TorchEngine.EnsureNativeLoadable();
        if (_shared is not { } kept || kept.Shape != Shape)
        {
            _shared?.Hot.Dispose();
            _shared?.Soft.Dispose();
            long[] shape = Shape.Split('x').Select(long.Parse).ToArray();
            _shared = kept = (Shape, new BenchSuite.Inputs(shape), new BenchSuite.Inputs(shape, soft: true));
        }
        (_hot, _soft) = (kept.Hot, kept.Soft);
        (_x, _lx, _y, _xg, _lg, _index) = (_hot.TorchPred, _hot.TorchLogits, _hot.TorchTrue, _hot.TorchPredGrad, _hot.TorchLogitsGrad, _hot.TorchIndex);
        (_sx, _sy, _sxg) = (_soft.TorchPred, _soft.TorchTrue, _soft.TorchPredGrad);
        (_p, _nl, _ny, _sp, _sny) = (_hot.NumPred, _hot.NumLogits, _hot.NumTrue, _soft.NumPred, _soft.NumTrue);
    }

    // ---- the memory floor: both inputs read once (SIMD, parallel)
    [Benchmark, BenchmarkCategory("0 floor")] public float Floor() => BenchSuite.Floor(_hot.Pred, _hot.True);

    // ---- one-hot probabilities, forward
    [Benchmark(Baseline = true), BenchmarkCategory("1 probs fwd")] public float TorchBest() => BenchSuite.Forward(() => BenchSuite.BestProbabilities(_x, _y));
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float TorchNaive() => BenchSuite.Forward(() => BenchSuite.NaiveProbabilities(_x, _y));
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float TorchOurs() => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(_x, _y));
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float TorchRawKernel() =>
        BenchSuite.Forward(() => ((TorchEngine)TensorEngines.Named("torch")).MeanCategoricalCrossentropy(_y, _x, false, 1, null)!);
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float TorchOursWeighted() => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(_x, _y, classWeights: Weights));
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float NumericsOurs() => Losses.CategoricalCrossentropy(_p, _ny)[0];
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float NumericsRawKernel() =>
        NumericsOps<float>.Instance.MeanCategoricalCrossentropy(_ny, _p, false, _p.Rank - 1, null)![0];
    [Benchmark, BenchmarkCategory("1 probs fwd")] public float NumericsOursWeighted() => Losses.CategoricalCrossentropy(_p, _ny, classWeights: Weights)[0];

    // ---- soft probabilities, forward
    [Benchmark(Baseline = true), BenchmarkCategory("2 soft probs fwd")] public float SoftTorchBest() => BenchSuite.Forward(() => BenchSuite.BestProbabilities(_sx, _sy));
    [Benchmark, BenchmarkCategory("2 soft probs fwd")] public float SoftTorchOurs() => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(_sx, _sy));
    [Benchmark, BenchmarkCategory("2 soft probs fwd")] public float SoftNumericsOurs() => Losses.CategoricalCrossentropy(_sp, _sny)[0];
    [Benchmark, BenchmarkCategory("2 soft probs fwd")] public float SoftNearestLogFloor() => BenchSuite.SoftLabelLogFloor(_soft.Pred, _soft.True, nearest: true);
    [Benchmark, BenchmarkCategory("2 soft probs fwd")] public float SoftLibraryLogFloor() => BenchSuite.SoftLabelLogFloor(_soft.Pred, _soft.True, nearest: false);

    // ---- one-hot logits, forward (and PyTorch's own losses)
    [Benchmark(Baseline = true), BenchmarkCategory("3 logits fwd")] public float LogitsTorchBest() => BenchSuite.Forward(() => BenchSuite.BestLogits(_lx, _y));
    [Benchmark, BenchmarkCategory("3 logits fwd")] public float LogitsTorchNaive() => BenchSuite.Forward(() => BenchSuite.NaiveLogits(_lx, _y));
    [Benchmark, BenchmarkCategory("3 logits fwd")] public float LogitsTorchCrossEntropyProbTargets() => BenchSuite.Forward(() => BenchSuite.CrossEntropyProbabilities(_lx, _y));
    [Benchmark, BenchmarkCategory("3 logits fwd")] public float LogitsTorchCrossEntropyIndexTargets() => BenchSuite.Forward(() => BenchSuite.CrossEntropyIndex(_lx, _index));

    // Sparse (index) targets: PyTorch's index-target kernel is the hand-written best.
    [Benchmark(Baseline = true), BenchmarkCategory("6 sparse logits fwd")] public float SparseTorchBest() => BenchSuite.Forward(() => BenchSuite.CrossEntropyIndex(_lx, _index));
    [Benchmark, BenchmarkCategory("6 sparse logits fwd")] public float SparseTorchOurs() => BenchSuite.Forward(() => Losses.SparseCategoricalCrossentropy(_lx, _index, fromLogits: true));
    [Benchmark, BenchmarkCategory("6 sparse logits fwd")] public float SparseNumericsOurs() => Losses.SparseCategoricalCrossentropy(_nl, _hot.NumIndex, fromLogits: true)[0];
    [Benchmark(Baseline = true), BenchmarkCategory("7 sparse logits fwd+bwd")] public float SparseTrainTorchBest() => BenchSuite.Train(_lg, () => BenchSuite.CrossEntropyIndex(_lg, _index));
    [Benchmark, BenchmarkCategory("7 sparse logits fwd+bwd")] public float SparseTrainTorchOurs() => BenchSuite.Train(_lg, () => Losses.SparseCategoricalCrossentropy(_lg, _index, fromLogits: true));
    [Benchmark, BenchmarkCategory("3 logits fwd")] public float LogitsTorchOurs() => BenchSuite.Forward(() => Losses.CategoricalCrossentropy(_lx, _y, fromLogits: true));
    [Benchmark, BenchmarkCategory("3 logits fwd")] public float LogitsNumericsOurs() => Losses.CategoricalCrossentropy(_nl, _ny, fromLogits: true)[0];
    [Benchmark, BenchmarkCategory("3 logits fwd")] public float LogitsNumericsOursWeighted() => Losses.CategoricalCrossentropy(_nl, _ny, fromLogits: true, classWeights: Weights)[0];

    // ---- forward + backward (TorchSharp)
    [Benchmark(Baseline = true), BenchmarkCategory("4 probs fwd+bwd")] public float TrainTorchBest() => BenchSuite.Train(_xg, () => BenchSuite.BestProbabilitiesTrain(_xg, _y));
    [Benchmark, BenchmarkCategory("4 probs fwd+bwd")] public float TrainTorchNaive() => BenchSuite.Train(_xg, () => BenchSuite.NaiveProbabilities(_xg, _y));
    [Benchmark, BenchmarkCategory("4 probs fwd+bwd")] public float TrainTorchOurs() => BenchSuite.Train(_xg, () => Losses.CategoricalCrossentropy(_xg, _y));
    [Benchmark, BenchmarkCategory("4 probs fwd+bwd")] public float SoftTrainTorchOurs() => BenchSuite.Train(_sxg, () => Losses.CategoricalCrossentropy(_sxg, _sy));
    [Benchmark, BenchmarkCategory("4 probs fwd+bwd")] public float SoftTrainTorchBest() => BenchSuite.Train(_sxg, () => BenchSuite.BestProbabilitiesTrain(_sxg, _sy));

    [Benchmark(Baseline = true), BenchmarkCategory("5 logits fwd+bwd")] public float LogitsTrainTorchBest() => BenchSuite.Train(_lg, () => BenchSuite.BestLogitsTrain(_lg, _y));
    [Benchmark, BenchmarkCategory("5 logits fwd+bwd")] public float LogitsTrainTorchCrossEntropyProbTargets() => BenchSuite.Train(_lg, () => BenchSuite.CrossEntropyProbabilities(_lg, _y));
    [Benchmark, BenchmarkCategory("5 logits fwd+bwd")] public float LogitsTrainTorchOurs() => BenchSuite.Train(_lg, () => Losses.CategoricalCrossentropy(_lg, _y, fromLogits: true));
}
