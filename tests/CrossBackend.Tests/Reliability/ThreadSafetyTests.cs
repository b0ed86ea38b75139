using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 5: 8 threads calling concurrently get bitwise the results a serial caller gets, for one call of
/// every registered loss (<see cref="LossCalls.OnePerLoss"/>), in float32 and float64, on every engine. Each call
/// also runs with its batch resampled to at least 8,192 elements per input (large enough for an engine's own
/// parallel loops: nested parallelism).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ThreadSafetyTests(ITensorEngine engine)
{
    private const int Threads = 8;
    private const int LargeElements = 8192;

    [Test]
    public void ConcurrentCallsMatchSerialCallsBitwise()
    {
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("CROSSBACKEND_THREAD_ROUNDS"), out int n) ? n : 4;
        var jobs = new List<(string Name, LossCall Call, object Pred, object? True, LossArguments Args)>();
        foreach (LossCall call in LossCalls.OnePerLoss())
        {
            int perItem = call.YPred.Length / (int)call.Shape[0];
            LossCall large = call.Resampled((LargeElements + perItem - 1) / perItem, new Random(7));
            foreach ((LossCall c, DType dtype) in new[] { (call, DType.Float32), (call, DType.Float64), (large, DType.Float32) })
            {
                (object p, object? t, LossArguments a) = c.Inputs(engine, dtype);
                jobs.Add(($"{c.Name} {dtype.Name()}", c, p, t, a));
            }
        }

        // Serial results first, as exact bit patterns.
        long[][] serial = jobs.Select(j => Bits(j.Call.Invoke(j.Pred, j.True, j.Args))).ToArray();

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
                    foreach (int k in Enumerable.Range(0, jobs.Count).OrderBy(_ => random.Next()))
                    {
                        long[] bits = Bits(jobs[k].Call.Invoke(jobs[k].Pred, jobs[k].True, jobs[k].Args));
                        if (!bits.AsSpan().SequenceEqual(serial[k]))
                            mismatches.Add($"thread {t} round {r}: {jobs[k].Name}");
                    }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(errors, Is.Empty);
        Assert.That(mismatches, Is.Empty, $"{mismatches.Count} of {Threads * rounds * jobs.Count} concurrent results differ from serial");
    }

    /// <summary>The result's values as float64 bit patterns (an exact, NaN-aware comparison), result disposed.</summary>
    private long[] Bits(object result)
    {
        try { return engine.ToDoubleArray(result, out _).Select(BitConverter.DoubleToInt64Bits).ToArray(); }
        finally { (result as IDisposable)?.Dispose(); }
    }
}
