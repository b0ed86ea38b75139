using CrossBackend.Backends.Torch;
using CrossBackend.Tests.Reliability;
using TorchSharp;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// The TorchSharp half of the leak soak (the RSS half runs on every engine with disposable tensors, in
/// <see cref="LeakTests"/>): TorchSharp's own accounting of live native tensors
/// (<c>DisposeScopeManager.Statistics</c>, <c>Tensor.TotalCount</c>) stays flat over repeated calls of one call per
/// registered loss, whether the caller disposes the result, uses a dispose scope, or leaves it to the finalizer;
/// and a call refused by validation strands nothing. These counters are TorchSharp API, hence torch-only.
/// </summary>
[NonParallelizable]
public sealed class TorchDisposeScopeLeakTests
{
    private ITensorEngine _engine = null!;

    [OneTimeSetUp]
    public void Load()
    {
        TorchEngine.EnsureNativeLoadable();
        _engine = TensorEngines.OwnerOf(typeof(torch.Tensor))!;
    }

    [TestCase("caller disposes result")]
    [TestCase("caller's dispose scope")]
    [TestCase("no scope, result finalized")]
    public void RepeatedCallsLeaveLiveTensorCountsFlat(string mode)
    {
        var inputs = LossCalls.OnePerLoss().Select(c => (Call: c, Input: c.Inputs(_engine, DType.Float32))).ToArray();
        void Loop(int n)
        {
            for (int i = 0; i < n; i++)
            {
                var (call, (pred, yTrue, args)) = inputs[i % inputs.Length];
                switch (mode)
                {
                    case "caller disposes result": ((torch.Tensor)call.Invoke(pred, yTrue, args)).Dispose(); break;
                    case "caller's dispose scope": using (torch.NewDisposeScope()) call.Invoke(pred, yTrue, args); break;
                    default:
                        call.Invoke(pred, yTrue, args);
                        if (i % 500 == 499) LeakTests.Settle();
                        break;
                }
            }
        }

        Loop(Math.Max(1000, LeakTests.Calls / 10));
        LeakTests.Settle();
        long liveBefore = LiveTensors(), totalBefore = torch.Tensor.TotalCount;
        Loop(LeakTests.Calls);
        LeakTests.Settle();
        long liveAfter = LiveTensors(), totalAfter = torch.Tensor.TotalCount;
        string report = $"torch live tensors [{mode}]: {LeakTests.Calls} calls; this thread {liveBefore} -> {liveAfter}, process {totalBefore} -> {totalAfter}";
        TestContext.Out.WriteLine(report);
        // Tensors released by the finalizer are counted as disposed on the finalizer thread, not on this one, so the
        // per-thread statistics only balance when the caller disposes; the process-wide count must balance always
        // (it may drop when other tests' garbage is finalized meanwhile, never grow).
        if (mode != "no scope, result finalized")
            Assert.That(liveAfter - liveBefore, Is.EqualTo(0), "this thread's live native tensors after the loop");
        Assert.That(totalAfter - totalBefore, Is.LessThanOrEqualTo(0), "process-wide live native tensors after the loop");
    }

    [Test]
    public void ValidationFailuresLeakNothing()
    {
        // A call refused after the dispose scope opened (class weights are checked inside it) must not strand a tensor.
        using var pred = torch.tensor(new float[] { 0.2f, 0.8f }, [1, 2]);
        using var yTrue = torch.tensor(new float[] { 0f, 1f }, [1, 2]);
        var bad = new Dictionary<int, double> { [5] = 1.0 };
        LeakTests.Settle();
        long before = LiveTensors(), total = torch.Tensor.TotalCount;
        for (int i = 0; i < 200; i++)
            Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CategoricalCrossentropy(pred, yTrue, classWeights: bad));
        LeakTests.Settle();
        Assert.That(LiveTensors() - before, Is.EqualTo(0));
        Assert.That(torch.Tensor.TotalCount - total, Is.LessThanOrEqualTo(0));
    }

    /// <summary>Tensors alive on this thread per TorchSharp's own accounting (created minus disposed, in and out of
    /// dispose scopes).</summary>
    /// <summary>Live native tensors by this thread's dispose-scope statistics (created minus disposed).</summary>
    internal static long LiveTensors()
    {
        ThreadDisposeScopeStatistics s = DisposeScopeManager.Statistics;
        return s.CreatedInScopeCount + s.CreatedOutsideScopeCount - s.DisposedInScopeCount - s.DisposedOutsideScopeCount;
    }
}
