using CrossBackend.Backends.Torch;
using CrossBackend.Tests.Reliability;
using TorchSharp;

namespace CrossBackend.Tests.EngineSpecific.Torch;

/// <summary>
/// The leak soak of <see cref="TorchDisposeScopeLeakTests"/> (losses) for everything else users call on torch tensors:
/// every Backend function example, every metric example, a gradient tape with a source it does not watch (session 49
/// routed such sources around autograd), host copies (<see cref="Backend.ToNumber(object)"/>, the native
/// <c>ToArray</c> of session 49) and calls refused inside the engine's scope (an int64 beyond 2⁵³, refused after its
/// conversion). Inside a caller's dispose scope, TorchSharp's count of live native tensors must come back to where it
/// was: results belong to the caller's scope, temporaries are disposed inside.
/// </summary>
[NonParallelizable]
public sealed class TorchFunctionLeakTests
{
    private ITensorEngine _engine = null!;

    [OneTimeSetUp]
    public void Load()
    {
        TorchEngine.EnsureNativeLoadable();
        _engine = TensorEngines.OwnerOf(typeof(torch.Tensor))!;
    }

    private static IEnumerable<TestCaseData> Calls()
    {
        yield return new TestCaseData("every Backend function example",
            (Action<ITensorEngine>)(e => { foreach (FunctionExample example in FunctionExamples.All()) example.Run(e); }));
        yield return new TestCaseData("every metric example", (Action<ITensorEngine>)(e =>
        {
            foreach (MetricDefinition metric in MetricRegistry.All)
                foreach (MetricExample example in metric.Examples) example.Run(metric, e);
        }));
        yield return new TestCaseData("a tape with a watched and an unwatched source", (Action<ITensorEngine>)(e =>
        {
            object x = Backend.ToTensor(new[] { 0.1, 0.3 }, e), w = Backend.ToTensor(new[] { 0.7, -0.3 }, e);
            using var tape = GradientTape.Record();
            tape.Watch(x);
            object y = Backend.ReduceSum(Backend.Multiply(x, w));
            tape.Gradient(y, x, w);
        }));
        yield return new TestCaseData("host copies", (Action<ITensorEngine>)(e =>
        {
            object ids = Backend.ToTensor(new[] { (1L << 53) + 1, 3 }, e);
            Backend.ToNumber(ids);
            Backend.ToNumber<float>(Backend.ToTensor(new[] { 0.1f, 0.3f }, e, DType.BFloat16));
            TensorFormat.ToString(ids);
        }));
        yield return new TestCaseData("calls refused inside the engine's scope", (Action<ITensorEngine>)(e =>
        {
            object ids = Backend.ToTensor(new[] { (1L << 53) + 1, 3 }, e);
            // Floating math of an int64 beyond 2⁵³ (refused after its conversion), and an int64 result beyond 2⁵³ of a
            // function still computed in float64 (Pow with a tensor of powers). Add and ReduceSum compute int64
            // natively on torch since session 52, so they are no longer refused here.
            Assert.Throws<ArgumentException>(() => Backend.ReduceMean(ids));
            object big = Backend.ToTensor(new[] { 1L << 27 }, e), two = Backend.ToTensor(new[] { 2L }, e);
            Assert.Throws<ArgumentException>(() => Backend.Pow(big, two));
        }));
    }

    [TestCaseSource(nameof(Calls))]
    public void LiveTensorCountsComeBack(string what, Action<ITensorEngine> call)
    {
        (long live, long total) = Growth(what, call);
        Assert.That(live, Is.EqualTo(0), "this thread's live native tensors after the loop");
        Assert.That(total, Is.LessThanOrEqualTo(0), "process-wide live native tensors after the loop");
    }

    /// <summary>The soak sees a leak: one tensor per call taken out of the caller's scope stays live, 20 calls, 20 more.</summary>
    [Test]
    public void ALeakIsSeen()
    {
        var leaked = new List<torch.Tensor>();
        (long live, long total) = Growth("one tensor leaked per call", _ => leaked.Add(torch.tensor(0.3f).DetachFromDisposeScope()));
        Assert.That(total, Is.EqualTo(20));
        leaked.ForEach(t => t.Dispose());
    }

    /// <summary>Live native tensors (this thread's dispose-scope statistics, TorchSharp's process-wide count) gained over
    /// 20 calls, each inside a caller's dispose scope, after 3 warm-up calls.</summary>
    private (long Live, long Total) Growth(string what, Action<ITensorEngine> call)
    {
        void Loop(int n)
        {
            for (int i = 0; i < n; i++)
                using (torch.NewDisposeScope()) call(_engine);
        }

        Loop(3);
        LeakTests.Settle();
        long liveBefore = TorchDisposeScopeLeakTests.LiveTensors(), totalBefore = torch.Tensor.TotalCount;
        Loop(20);
        LeakTests.Settle();
        long liveAfter = TorchDisposeScopeLeakTests.LiveTensors(), totalAfter = torch.Tensor.TotalCount;
        TestContext.Out.WriteLine($"torch live tensors [{what}]: this thread {liveBefore} -> {liveAfter}, process {totalBefore} -> {totalAfter}");
        return (liveAfter - liveBefore, totalAfter - totalBefore);
    }
}
