using CrossBackend.Backends.Torch;
using CrossBackend.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// Issue 9's torch target, counted rather than timed: our call of each registered loss (default options) creates no
/// more native tensors than the best hand-written TorchSharp code for the same maths
/// (<see cref="LossCatalogueCases.HandWritten"/>, the code the <c>catalogue</c> benchmark times; this project compiles
/// that file in). Counted with TorchSharp's per-thread statistics (<c>DisposeScopeManager.Statistics</c>), as
/// <c>BenchSuite.TensorCounts</c> does, hence torch-only (see EngineSpecific/README.md).
/// Two tests: the target itself (ours ≤ hand-written), whose cases for losses that miss it today are Explicit with
/// both counts in the reason (they fail when run: the target is not met, not loosened); and a ratchet that runs for
/// every loss: ours ≤ today's count (<see cref="Today"/>), so no change can add native tensors unnoticed.
/// </summary>
[NonParallelizable]
public sealed class TorchLossNativeTensorCountTests
{
    private const int Rows = 256, Classes = 10;

    /// <summary>Our call's native tensors per call today at (256, 10) (ctc: (64, 50, 32); dice_score (1, 256, 10);
    /// circle (256, 10)), and the hand-written code's. Lower the first number when a change removes tensors.</summary>
    private static readonly Dictionary<string, (int Ours, int Hand)> Today = new()
    {
        ["categorical_crossentropy"] = (4, 4),
        ["sparse_categorical_crossentropy"] = (4, 4),
        // The binary kinds take Keras's log(1 − p) of the rounded 1 − p, one temporary more than libtorch's
        // binary_cross_entropy (log1p(−p), another number: BinaryLogOfOneMinusPTests); the hand-written code too.
        ["binary_crossentropy"] = (4, 4),
        ["mean_squared_error"] = (1, 1),
        ["hinge"] = (3, 6),
        ["squared_hinge"] = (3, 6),
        ["categorical_hinge"] = (4, 4),
        ["binary_focal_crossentropy"] = (5, 5),
        ["categorical_focal_crossentropy"] = (4, 5),
        ["categorical_generalized_cross_entropy"] = (4, 4),   // Keras's Σ y_pred·one_hot (NaN propagation), not a gather
        ["focal_loss"] = (7, 8),
        ["mean_absolute_error"] = (1, 1),
        ["mean_absolute_percentage_error"] = (3, 3),
        ["mean_squared_logarithmic_error"] = (3, 3),
        ["cosine_similarity"] = (4, 4),
        ["huber"] = (1, 1),
        ["log_cosh"] = (3, 3),
        ["poisson"] = (2, 2),
        ["kl_divergence"] = (3, 4),
        ["l1_loss"] = (1, 1),
        ["smooth_l1_loss"] = (1, 1),
        ["fe_huber"] = (1, 1),
        ["l2_regularization"] = (1, 2),
        ["dice"] = (1, 5),
        ["tversky"] = (1, 6),
        ["dice_score"] = (4, 4),
        ["circle"] = (15, 15),
        ["ctc"] = (7, 7),
    };

    [OneTimeSetUp]
    public void Load() => TorchEngine.EnsureNativeLoadable();

    private static IEnumerable<TestCaseData> Target() =>
        LossRegistry.All.Where(l => LossCatalogueCases.HandWritten.ContainsKey(l.Name)).Select(l =>
        {
            var data = new TestCaseData(l.Name).SetName($"OursNoMoreThanHandWritten({l.Name})");
            return Today.TryGetValue(l.Name, out var t) && t.Ours > t.Hand
                ? data.Explicit($"issue 9 target not met today: ours {t.Ours} native tensors per call vs hand-written {t.Hand}. " +
                    "Not inherent to the maths: the composed loss makes one tensor per general op where PyTorch has a fused call " +
                    "or the hand-written code works in place; see benchmarks/README.md, catalogue session 16")
                : data;
        });

    private static IEnumerable<string> Registered() => LossRegistry.All.Select(l => l.Name);

    [TestCaseSource(nameof(Target))]
    public void OursNoMoreThanHandWritten(string name)
    {
        (long ours, long hand) = Counts(name);
        Assert.That(ours, Is.LessThanOrEqualTo(hand), $"{name}: native tensors per call, ours {ours} vs hand-written {hand}");
    }

    [TestCaseSource(nameof(Registered))]
    public void NoMoreNativeTensorsThanToday(string name)
    {
        (long ours, long hand) = Counts(name);
        TestContext.Out.WriteLine($"{name}: ours {ours}, hand-written {(hand < 0 ? "none" : hand.ToString())}");
        Assert.That(Today.ContainsKey(name), Is.True, $"{name} has no entry in Today: add ({ours}, {hand}) after checking the count");
        Assert.That(ours, Is.LessThanOrEqualTo(Today[name].Ours), $"{name}: our call now creates {ours} native tensors per call, {Today[name].Ours} before");
    }

    /// <summary>Native tensors per call, ours and hand-written (−1 without one), after one warm-up call each.</summary>
    private static (long Ours, long Hand) Counts(string name)
    {
        LossCatalogueCases.LossCase c = LossCatalogueCases.For(LossRegistry.Get(name), Rows, Classes);
        (object pred, object? yTrue) = c.On(TensorEngines.OwnerOf(typeof(Tensor))!);
        var x = (Tensor)pred;
        var y = (Tensor?)yTrue;
        try
        {
            long ours = Created(() => c.Ours(x, y));
            long hand = LossCatalogueCases.HandWritten.TryGetValue(name, out var f) ? Created(() => f(x, y)) : -1;
            return (ours, hand);
        }
        finally
        {
            x.Dispose();
            y?.Dispose();
        }
    }

    private static long Created(Func<object> call)
    {
        void Run() { using DisposeScope scope = torch.NewDisposeScope(); _ = call(); }
        Run();
        LifetimeStatistics stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
        Run();
        return stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount - before;
    }
}
