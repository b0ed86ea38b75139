using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 5: 8 threads calling concurrently get bitwise the results a serial caller gets, for every entry of
/// <see cref="LossCalls.All"/>, on both engines. Inputs include one large enough for the numerics engine's own
/// Parallel.For (nested parallelism) and rank-3 inputs (torch moves the class axis).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class ThreadSafetyTests(string engineName)
{
    private const int Threads = 8;
    private EngineHarness _h = null!;

    [OneTimeSetUp]
    public void FindEngine() => _h = new EngineHarness(TensorEngines.Named(engineName));

    private static readonly long[][] Shapes = [[7, LossCalls.Classes], [3, 4, LossCalls.Classes], [2, 8, 9, LossCalls.Classes], [8192, LossCalls.Classes]];

    [Test]
    public void ConcurrentCallsMatchSerialCallsBitwise()
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("CROSSBACKEND_THREAD_ROUNDS"), out int n) ? n : 6;
        LossCall[] calls = LossCalls.All().ToArray();
        var inputs = new List<(object Pred, object True)>();
        foreach (long[] shape in Shapes)
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            (double[] p, double[] t) = LossCalls.Inputs(shape, seed: inputs.Count + 1);
            inputs.Add((_h.Tensor(p, shape, dtype), _h.Tensor(t, shape, dtype)));
        }
        var jobs = (from call in calls from input in inputs.Select((x, i) => (x, i)) select (call, input.x, input.i)).ToArray();

        // Serial results first, as exact bit patterns.
        long[][] serial = jobs.Select(j => Bits(j.call.Invoke(j.x.Pred, j.x.True))).ToArray();

        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                var random = new Random(t);
                for (int r = 0; r < rounds; r++)
                    foreach (int k in Enumerable.Range(0, jobs.Length).OrderBy(_ => random.Next()))
                    {
                        long[] bits = Bits(jobs[k].call.Invoke(jobs[k].x.Pred, jobs[k].x.True));
                        if (!bits.AsSpan().SequenceEqual(serial[k]))
                            mismatches.Add($"thread {t} round {r}: {jobs[k].call.Name}, input {jobs[k].i}");
                    }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(errors, Is.Empty);
        Assert.That(mismatches, Is.Empty, $"{mismatches.Count} of {Threads * rounds * jobs.Length} concurrent results differ from serial");
    }

    /// <summary>The result's values as float64 bit patterns (an exact, NaN-aware comparison), result disposed.</summary>
    private long[] Bits(object result)
    {
        try { return _h.Values(result).Select(BitConverter.DoubleToInt64Bits).ToArray(); }
        finally { (result as IDisposable)?.Dispose(); }
    }
}
