using BenchmarkDotNet.Attributes;
using CrossBackend.Backends.Torch;
using Perfolizer.Horology;
using Tensor = TorchSharp.torch.Tensor;

namespace CrossBackend.Benchmarks;

/// <summary>
/// The loss catalogue in the BenchmarkDotNet matrix: every registered loss (<see cref="LossRegistry.All"/>) with its
/// default options at (65536, 100) or its natural shape (<see cref="LossCatalogueCases"/>), our call on each engine
/// against the hand-written TorchSharp code (the baseline) and the memory floor. Losses without a hand-written
/// baseline return NaN from <see cref="TorchHandWritten"/> at once (a visible, near-zero row, never a failure).
/// <c>--filter '*LossCatalogue*'</c>; <c>--filter '*LossCatalogue*' --anyCategories torch</c> for one engine.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LeanConfig))]
[CategoriesColumn]
public class LossCatalogueBenchmarks
{
    private sealed class LeanConfig() : LeanJobConfig(iterations: 7, iterationMilliseconds: 150, TimeUnit.Millisecond);

    /// <summary>Every registered loss, by name.</summary>
    public static IEnumerable<string> LossNames() => LossRegistry.All.Select(l => l.Name);

    [ParamsSource(nameof(LossNames))] public string Loss = "mean_squared_error";

    private LossCatalogueCases.LossCase _case = null!;
    private Tensor _x = null!;
    private Tensor? _y;
    private object _np = null!;
    private object? _ny;
    private Func<Tensor, Tensor?, Tensor>? _hand;

    [GlobalSetup]
    public void Setup()
    {
        TorchEngine.EnsureNativeLoadable();
        _case = LossCatalogueCases.For(LossRegistry.Get(Loss), LossCatalogueBench.Rows, LossCatalogueBench.Classes);
        (object x, object? y) = _case.On(TensorEngines.OwnerOf(typeof(Tensor))!);
        (_x, _y) = ((Tensor)x, (Tensor?)y);
        (_np, _ny) = _case.On(TensorEngines.OwnerOf(typeof(System.Numerics.Tensors.Tensor<float>))!);
        _hand = LossCatalogueCases.HandWritten.GetValueOrDefault(Loss);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose();
        _y?.Dispose();
    }

    [Benchmark, BenchmarkCategory("floor")] public float Floor() => LossCatalogueBench.Floor(_case.Pred, _case.True as float[]);

    [Benchmark(Baseline = true), BenchmarkCategory("torch")]
    public float TorchHandWritten() => _hand is null ? float.NaN : LossCatalogueBench.Sync(() => _hand(_x, _y));

    [Benchmark, BenchmarkCategory("torch")] public float TorchOurs() => LossCatalogueBench.Sync(() => (Tensor)_case.Ours(_x, _y));

    [Benchmark, BenchmarkCategory("numerics")] public object NumericsOurs() => _case.Ours(_np, _ny);
}
