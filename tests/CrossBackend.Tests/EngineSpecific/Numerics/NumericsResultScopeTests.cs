using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CrossBackend.Backends.Numerics;

namespace CrossBackend.Tests.EngineSpecific.Numerics;

/// <summary>
/// <see cref="NumericsResultScope"/>: the channels-last engine's large arrays lent from a pool inside a scope and given
/// back at its end (numerics-only by nature: torch has its own dispose scopes). The values must not change, the
/// memory must be reused only after the scope ends, kept tensors must stay intact, and misuse must fail by name.
/// </summary>
public sealed class NumericsResultScopeTests
{
    // 30,000 float32 = 120,000 bytes: above the pooling threshold (85,000 bytes).
    private const int Large = 30_000;

    private static Tensor<float> Ramp(int n, double scale) =>
        Tensor.Create(Enumerable.Range(0, n).Select(i => (float)((i % 97 - 48) * scale)).ToArray(), [n / 100, 100]);

    private static bool SameMemory(Tensor<float> a, Tensor<float> b) =>
        Unsafe.AreSame(ref Unsafe.AsRef(in a.GetPinnableReference()), ref Unsafe.AsRef(in b.GetPinnableReference()));

    [Test]
    public void ScopedResultsHaveTheValuesOfUnscopedOnes()
    {
        Tensor<float> x = Ramp(Large, 0.1), y = Ramp(Large, 0.3);
        var pool = new NumericsResultPool();
        for (int round = 0; round < 3; round++)   // round 1 and 2 run on reused arrays
        {
            using NumericsResultScope scope = pool.NewScope();
            var abs = (Tensor<float>)Backend.Abs(x);
            var sum = (Tensor<float>)Backend.ReduceSum(Backend.Multiply(x, y), 1);
            var product = (Tensor<float>)Backend.MatMul(Backend.Transpose(x), y);
            for (int i = 0; i < Large; i++) Assert.That(abs.GetSpan([0, 0], Large)[i], Is.EqualTo(Math.Abs(x.GetSpan([0, 0], Large)[i])));
            // An independent float64 reference of the row sums and one product element.
            for (int r = 0; r < 300; r += 37)
            {
                double expected = 0;
                for (int c = 0; c < 100; c++) expected += (double)x[r, c] * y[r, c];
                Assert.That(sum[r], Is.EqualTo(expected).Within(1e-5 * Math.Max(1, Math.Abs(expected))), $"row {r}, round {round}");
            }
            double p37 = 0;
            for (int r = 0; r < 300; r++) p37 += (double)x[r, 3] * y[r, 7];
            Assert.That(product[3, 7], Is.EqualTo(p37).Within(1e-4 * Math.Max(1, Math.Abs(p37))), $"round {round}");
        }
        Assert.That(pool.RetainedBytes, Is.GreaterThanOrEqualTo(2L * Large * sizeof(float)), "the arrays came back to the pool");
    }

    [Test]
    public void TheNextScopeGetsTheArrayTheLastScopeGaveBack()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        Tensor<float> first;
        using (pool.NewScope()) first = (Tensor<float>)Backend.Abs(x);
        Assert.That(pool.RetainedBytes, Is.EqualTo((long)Large * sizeof(float)));
        using (pool.NewScope())
        {
            var second = (Tensor<float>)Backend.Multiply(x, -0.1);
            Assert.That(SameMemory(first, second), Is.True, "the pooled array is reused");
            Assert.That(pool.RetainedBytes, Is.Zero, "lent out while the scope is open");
            // Reading `first` now is the documented misuse: it shows the later result.
            Assert.That(first[1, 0], Is.EqualTo(x[1, 0] * -0.1f).Within(1e-6));
        }
    }

    [Test]
    public void WithinOneScopeNothingIsReused()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        using (pool.NewScope()) _ = Backend.Abs(x);   // one free array in the pool
        using NumericsResultScope scope = pool.NewScope();
        var a = (Tensor<float>)Backend.Abs(x);
        var b = (Tensor<float>)Backend.Multiply(x, 0.3);
        Assert.That(SameMemory(a, b), Is.False);
        Assert.That(a[2, 5], Is.EqualTo(Math.Abs(x[2, 5])));
        Assert.That(b[2, 5], Is.EqualTo(x[2, 5] * 0.3f).Within(1e-6));
    }

    [Test]
    public void AKeptTensorSurvivesItsScope()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        Tensor<float> kept;
        using (NumericsResultScope scope = pool.NewScope())
        {
            kept = scope.Keep((Tensor<float>)Backend.Abs(x));
            _ = Backend.Multiply(x, 0.3);   // not kept
        }
        Assert.That(pool.RetainedBytes, Is.EqualTo((long)Large * sizeof(float)), "only the product came back");
        using (pool.NewScope())
        {
            var other = (Tensor<float>)Backend.Multiply(x, -0.1);
            var more = (Tensor<float>)Backend.Multiply(x, -0.1);
            Assert.That(SameMemory(kept, other) || SameMemory(kept, more), Is.False);
        }
        for (int i = 0; i < 300; i += 7) Assert.That(kept[i, 11], Is.EqualTo(Math.Abs(x[i, 11])));
    }

    [Test]
    public void KeepTakesAViewsMemoryOutOfEveryEnclosingScope()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        Tensor<float> kept;
        using (NumericsResultScope outer = pool.NewScope())
        {
            Tensor<float> inner;
            using (NumericsResultScope scope = pool.NewScope())
                inner = scope.Keep((Tensor<float>)Backend.Reshape(Backend.Abs(x), [100, 300]));
            Assert.That(pool.RetainedBytes, Is.Zero, "the inner scope kept its only array");
            kept = inner;
        }
        Assert.That(pool.RetainedBytes, Is.Zero, "kept out of the outer scope too");
        Assert.That(kept[0, 150], Is.EqualTo(Math.Abs(x[1, 50])));
    }

    [Test]
    public void KeepOnAnOuterScopeAlsoTakesTheResultOutOfTheInnerScopesStillOpen()
    {
        // outer.Keep(r) promises r outlives the outer scope, so it must outlive the inner scope r was made in too.
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        Tensor<float> kept;
        using (NumericsResultScope outer = pool.NewScope())
        {
            using (pool.NewScope())
                kept = outer.Keep((Tensor<float>)Backend.Abs(x));
            Assert.That(pool.RetainedBytes, Is.Zero, "the inner scope must not give the kept array back");
            var later = (Tensor<float>)Backend.Multiply(x, -0.3);   // would be written over `kept` if it had been
            Assert.That(SameMemory(kept, later), Is.False);
        }
        // Independent reference: |x| of the ramp's own float64 values, rounded to float32.
        for (int i = 0; i < 300; i += 7)
            for (int j = 0; j < 100; j += 13)
                Assert.That(kept[i, j], Is.EqualTo((float)Math.Abs((float)(((i * 100 + j) % 97 - 48) * 0.1))), $"[{i}, {j}]");
    }

    [Test]
    public void KeepingATensorWhoseScopeHasEndedFailsByName()
    {
        // Its memory is already the pool's and goes to the next result: keeping it then cannot make it valid.
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        using NumericsResultScope outer = pool.NewScope();
        Tensor<float> dead;
        using (pool.NewScope()) dead = (Tensor<float>)Backend.Abs(x);
        var e = Assert.Throws<InvalidOperationException>(() => outer.Keep(dead))!;
        Assert.That(e.Message, Does.Contain("scope that made it has ended"));
        Assert.That(e.Message, Does.Contain("Keep it before"));
    }

    [Test]
    public void KeepFromOtherThreadsWhileTheOwnerAllocatesLosesAndDuplicatesNothing()
    {
        // A Parallel.For inside a scope: iterations on the owner thread lend arrays while iterations on other threads
        // keep their (unpooled) results; each kept result must keep its values and no array may be lent twice later.
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool(maxArraysPerSize: 1024);
        for (int round = 0; round < 20; round++)
        {
            var kept = new Tensor<float>[48];
            using (NumericsResultScope scope = pool.NewScope())
                Parallel.For(0, kept.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
                {
                    for (int extra = 0; extra < 3; extra++) _ = Backend.Multiply(x, 0.5);   // lent when on the owner thread
                    kept[i] = scope.Keep((Tensor<float>)Backend.Multiply(x, 0.1 * (i + 1)));
                });
            var lentNext = new List<Tensor<float>>();
            using (pool.NewScope())
            {
                for (int j = 0; j < 200; j++) lentNext.Add((Tensor<float>)Backend.Multiply(x, -0.3));
                for (int a = 0; a < lentNext.Count; a++)
                    for (int b = a + 1; b < lentNext.Count; b++)
                        Assert.That(SameMemory(lentNext[a], lentNext[b]), Is.False, $"round {round}: one array lent twice");
                foreach (Tensor<float> k in kept)
                    Assert.That(lentNext.Any(n => SameMemory(n, k)), Is.False, $"round {round}: a kept array was lent again");
            }
            for (int i = 0; i < kept.Length; i++)
                Assert.That(kept[i][2, 5], Is.EqualTo((float)(((205 % 97 - 48) * 0.1f) * (float)(0.1 * (i + 1)))), $"round {round}, result {i}");
        }
    }

    [Test]
    public void InnerScopesGiveBackTheirOwnArrays()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        using (pool.NewScope())
        {
            _ = Backend.Abs(x);
            using (pool.NewScope()) _ = Backend.Multiply(x, -0.1);
            Assert.That(pool.RetainedBytes, Is.EqualTo((long)Large * sizeof(float)), "the inner scope's array");
        }
        Assert.That(pool.RetainedBytes, Is.EqualTo(2L * Large * sizeof(float)));
    }

    [Test]
    public void SmallArraysAndArraysMadeOutsideAreNotPooled()
    {
        Tensor<float> small = Ramp(2_000, 0.1);   // 8,000 bytes
        var pool = new NumericsResultPool();
        Tensor<float> made;
        using (pool.NewScope()) made = (Tensor<float>)Backend.Abs(small);
        Assert.That(pool.RetainedBytes, Is.Zero);
        Tensor<float> outside = (Tensor<float>)Backend.Abs(Ramp(Large, 0.1));
        using (pool.NewScope()) _ = Backend.Multiply(outside, 0.3);
        Assert.That(pool.RetainedBytes, Is.EqualTo((long)Large * sizeof(float)), "the product only; `outside` is the GC's");
        Assert.That(made[3, 4], Is.EqualTo(Math.Abs(small[3, 4])));
        Assert.That(outside[2, 0], Is.EqualTo(Math.Abs((float)((200 % 97 - 48) * 0.1))));
    }

    [Test]
    public void AnotherThreadsCallsAreNotInTheScope()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        Tensor<float>? fromThread = null;
        using (pool.NewScope())
        {
            var thread = new Thread(() => fromThread = (Tensor<float>)Backend.Abs(x));
            thread.Start();
            thread.Join();
        }
        Assert.That(pool.RetainedBytes, Is.Zero, "the other thread's result belongs to the GC");
        Assert.That(fromThread![5, 5], Is.EqualTo(Math.Abs(x[5, 5])));
    }

    [Test]
    public void WorkOfAnotherAsyncFlowOnTheScopesThreadIsNotInTheScope()
    {
        // A scope that spans an await leaves its thread marked while the thread serves other work items; their
        // results must not be lent (they would be recycled under them when the scope's flow resumes there and ends).
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        ExecutionContext unrelated = ExecutionContext.Capture()!;   // another flow's context: no scope in it
        Tensor<float>? fromOtherFlow = null;
        using (pool.NewScope())
            ExecutionContext.Run(unrelated, _ => fromOtherFlow = (Tensor<float>)Backend.Abs(x), null);
        Assert.That(pool.RetainedBytes, Is.Zero, "the other flow's result belongs to the GC");
        using (pool.NewScope()) _ = Backend.Multiply(x, -0.3);
        for (int i = 0; i < 300; i += 11)
            Assert.That(fromOtherFlow![i, 7], Is.EqualTo((float)Math.Abs((float)(((i * 100 + 7) % 97 - 48) * 0.1))), $"row {i}");
    }

    [Test]
    public void AnExceptionInAScopeGivesItsArraysBackOnceAndEndsTheScope()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using NumericsResultScope outer = pool.NewScope();
            _ = Backend.Abs(x);
            using NumericsResultScope inner = pool.NewScope();
            _ = Backend.Multiply(x, 0.3);
            throw new InvalidOperationException("the step failed");
        })!;
        Assert.That(e.Message, Is.EqualTo("the step failed"), "the step's own exception, not one from Dispose");
        Assert.That(pool.RetainedBytes, Is.EqualTo(2L * Large * sizeof(float)), "both arrays came back, each once");
        var outside = (Tensor<float>)Backend.Multiply(x, -0.1);   // no scope is current any more: the GC's
        Assert.That(pool.RetainedBytes, Is.EqualTo(2L * Large * sizeof(float)));
        using (pool.NewScope())
        {
            var a = (Tensor<float>)Backend.Abs(x);
            var b = (Tensor<float>)Backend.Multiply(x, 0.3);
            var c = (Tensor<float>)Backend.Multiply(x, 0.7);   // a third array: the pool had two
            Assert.That(SameMemory(a, b) || SameMemory(a, c) || SameMemory(b, c) || SameMemory(a, outside) || SameMemory(b, outside), Is.False);
            Assert.That(pool.RetainedBytes, Is.Zero);
            Assert.That(b[4, 9], Is.EqualTo((float)((float)((409 % 97 - 48) * 0.1) * 0.3f)));
        }
        Assert.That(outside[4, 9], Is.EqualTo((float)((float)((409 % 97 - 48) * 0.1) * -0.1f)));
    }

    [Test]
    public void AnotherFlowsScopeOnTheSameThreadDoesNotHandItsWorkToTheSuspendedScope()
    {
        // Flow 1 opens a scope and is suspended (an await) with its thread marked; flow 2 runs on that thread with
        // a scope of its own. After flow 2's scope ends, its results must be the GC's — not lent to flow 1's scope,
        // which would recycle them when flow 1 resumes there and ends.
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool();
        ExecutionContext flow2 = ExecutionContext.Capture()!;
        NumericsResultScope suspended = pool.NewScope();
        Tensor<float>? afterItsScope = null;
        ExecutionContext.Run(flow2, _ =>
        {
            using (pool.NewScope()) _ = Backend.Abs(x);
            afterItsScope = (Tensor<float>)Backend.Multiply(x, 0.3);
        }, null);
        suspended.Dispose();
        Assert.That(pool.RetainedBytes, Is.EqualTo((long)Large * sizeof(float)), "only flow 2's scoped array");
        using (pool.NewScope()) { _ = Backend.Multiply(x, -0.7); _ = Backend.Multiply(x, -0.9); }
        for (int i = 0; i < 300; i += 13)
            Assert.That(afterItsScope![i, 3], Is.EqualTo((float)((float)(((i * 100 + 3) % 97 - 48) * 0.1) * 0.3f)), $"row {i}");
    }

    [Test]
    public void ThePoolKeepsAtMostItsLimitPerSize()
    {
        Tensor<float> x = Ramp(Large, 0.1);
        var pool = new NumericsResultPool(maxArraysPerSize: 1);
        using (pool.NewScope()) { _ = Backend.Abs(x); _ = Backend.Multiply(x, -0.1); }
        Assert.That(pool.RetainedBytes, Is.EqualTo((long)Large * sizeof(float)));
        pool.Clear();
        Assert.That(pool.RetainedBytes, Is.Zero);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new NumericsResultPool(0))!;
        Assert.That(e.ParamName, Is.EqualTo("maxArraysPerSize"));
        Assert.That(e.Message, Does.Contain("must be at least 1"));
    }

    [Test]
    public void MisuseFailsByName()
    {
        var pool = new NumericsResultPool();
        NumericsResultScope outer = pool.NewScope();
        NumericsResultScope inner = pool.NewScope();
        var e = Assert.Throws<InvalidOperationException>(outer.Dispose)!;
        Assert.That(e.Message, Does.Contain("innermost first"));
        inner.Dispose();
        inner.Dispose();   // twice: nothing
        Exception? onOtherThread = null;
        var thread = new Thread(() => { try { outer.Dispose(); } catch (Exception ex) { onOtherThread = ex; } });
        thread.Start();
        thread.Join();
        Assert.That(onOtherThread, Is.InstanceOf<InvalidOperationException>());
        Assert.That(onOtherThread!.Message, Does.Contain("thread that opened it"));
        outer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => outer.Keep(Ramp(200, 0.1)));
        Assert.Throws<ArgumentNullException>(() => { using var s = pool.NewScope(); s.Keep<float>(null!); });
    }

    [Test]
    public void GradientsTakenInsideAScopeMatchUnscopedOnes()
    {
        Tensor<float> x = Ramp(Large, 0.1), y = Ramp(Large, 0.3);
        Tensor<float> w = Tensor.Create(Enumerable.Range(0, 100 * 80).Select(i => (float)Math.Sin(i * 0.1) * 0.3f).ToArray(), [100, 80]);
        float[] Gradient()
        {
            using var tape = GradientTape.Record();
            tape.Watch(w);
            object hidden = Backend.Relu(Backend.MatMul(x, w));
            object loss = Backend.ReduceMean(Backend.Multiply(hidden, hidden));
            return ((Tensor<float>)tape.Gradient(loss, w)[0]).ToArray();
        }
        float[] plain = Gradient();
        var pool = new NumericsResultPool();
        for (int round = 0; round < 3; round++)
        {
            float[] scoped;
            using (pool.NewScope()) scoped = Gradient();
            Assert.That(scoped, Is.EqualTo(plain), $"round {round}");
        }
        Assert.That(pool.RetainedBytes, Is.GreaterThan(0), "the forward's (300, 80) temporaries (96,000 bytes) were pooled");
        Assert.That(y, Is.Not.Null);
    }
}
