using CrossBackend.IO;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Testing;

/// <summary>
/// The kit compares integers exactly (int64 beyond 2⁵³ included) and reads every kind of number the README promises.
/// Golden reports from PyTorch 1.13 (<c>/usr/bin/python3</c>):
/// <code>
/// torch.testing.assert_close(torch.tensor([2**53 + 1]), torch.tensor([2**53]))
/// # Tensor-likes are not equal! Mismatched elements: 1 / 1 (100.0%)
/// # Greatest absolute difference: 1 at index (0,)
/// # Greatest relative difference: 1.1102230246251565e-16 at index (0,)
/// </code>
/// For <c>long.MinValue</c> vs <c>long.MaxValue</c> PyTorch's int64 subtraction wraps and reports 1; the kit reports
/// the true difference, 2⁶⁴ − 1 = 18446744073709551615 (Python: <c>2**63 - 1 - (-2**63)</c>).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class KitInt64AndValueKindTests(ITensorEngine engine)
{
    private const long TwoTo53 = 9007199254740992;

    [Test]
    public void Int64BeyondTwoTo53IsComparedExactlyOnEveryKindOfValue()
    {
        object actual = engine.FromArray(new[] { TwoTo53 + 1 }, [1]), expected = engine.FromArray(new[] { TwoTo53 }, [1]);
        foreach ((object a, object e) in new (object, object)[]
                 {
                     (actual, expected), (actual, new[] { TwoTo53 }), (new[] { TwoTo53 + 1 }, expected),
                     (new NpyArray(new[] { TwoTo53 + 1 }, 1), new NpyArray(new[] { TwoTo53 }, 1)),
                 })
        {
            var failure = Assert.Throws<AssertionException>(() => TensorAssert.AreClose(a, e))!;
            Assert.That(failure.Message.Trim(), Is.EqualTo("Tensors are not equal!\nMismatched elements: 1 / 1 (100.0%)\n" +
                "Greatest absolute difference: 1 at index (0,)\nGreatest relative difference: 1.1102230246251565e-16 at index (0,)"));
            Assert.That(a, Is.Not.Matches(TensorIs.CloseTo(e)));
        }
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose(TwoTo53 + 1, TwoTo53));
        TensorAssert.AreClose(actual, new[] { TwoTo53 + 1 });
    }

    [Test]
    public void TheGreatestInt64DifferenceIsTheTrueOne()
    {
        object min = engine.FromArray(new[] { 0L, long.MinValue }, [2]);
        TensorComparison c = TensorComparison.Compare(min, new[] { 0L, long.MaxValue });
        Assert.That(c.IsClose, Is.False);
        Assert.That(c.Message, Does.Contain("Greatest absolute difference: 18446744073709551615 at index (1,)"));
        Assert.That(c.GreatestAbsoluteDifference, Is.EqualTo(18446744073709551615.0));
        Assert.That(TensorComparison.Compare(new[] { long.MaxValue }, new[] { long.MaxValue - 1 }).IsClose, Is.False);
    }

    /// <summary>EngineParity reads int64 results exactly too: two engines returning 2⁵³ + 1 agree, and a reference
    /// of 2⁵³ does not.</summary>
    [Test]
    public void EngineParityComparesInt64Exactly()
    {
        ParityReport report = EngineParity.Run((e, _) => e.FromArray(new[] { TwoTo53 + 1 }, [1]), [],
            new ParityOptions { Engines = [engine], Reference = new[] { TwoTo53 } });
        Assert.That(report.Passed, Is.False, report.Message);
    }

    /// <summary>The README's "a number": every .NET numeric type and bool, on both sides and as EngineParity
    /// inputs; a mismatch between them still fails.</summary>
    [Test]
    public void EveryKindOfNumberIsAccepted()
    {
        object[] ones = [1.0, 1f, (Half)1, 1L, 1, (short)1, (sbyte)1, (byte)1, (ushort)1, 1u, 1ul, true];
        foreach (object one in ones)
        {
            TensorAssert.AreClose(one, 1.0, message: one.GetType().Name);
            TensorAssert.AreClose(engine.FromArray(new[] { 1f }, []), one, message: one.GetType().Name);
            EngineParity.Check((e, x) => x[0], [one], new ParityOptions { Engines = [engine], Reference = 1.0 });
        }
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose(true, false));
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose((byte)1, (short)2));
    }

    /// <summary>Unsigned arrays compare as the engines hold them (uint32 4000000000 as int64, not −294967296); a
    /// uint64 beyond int64 is refused naming the argument.</summary>
    [Test]
    public void UnsignedArraysAreWidenedAsTheEnginesWidenThem()
    {
        object tensor = engine.FromArray(new uint[] { 4000000000, 7 }, [2]);
        TensorAssert.AreClose(new uint[] { 4000000000, 7 }, tensor);
        TensorAssert.AreClose(new ushort[,] { { 60000, 1 } }, new[,] { { 60000, 1 } });
        TensorAssert.AreClose(new ulong[] { long.MaxValue }, new[] { long.MaxValue });
        Assert.Throws<AssertionException>(() => TensorAssert.AreClose(new uint[] { 4000000000 }, new[] { -294967296L }));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TensorAssert.AreClose(new[] { 1.0 }, new ulong[] { ulong.MaxValue }))!;
        Assert.That(e.ParamName, Is.EqualTo("expected"));
    }

    [Test]
    public void JaggedAndUnknownArraysAreRefusedSayingWhy()
    {
        var jagged = Assert.Throws<ArgumentException>(() => TensorAssert.AreClose(new[] { new[] { 1f } }, new[] { 1f }))!;
        Assert.That(jagged.ParamName, Is.EqualTo("actual"));
        Assert.That(jagged.Message, Does.Contain("jagged").And.Contain("Single[][]"));
        var unknown = Assert.Throws<ArgumentException>(() => TensorAssert.AreClose(new[] { 1f }, new[] { 1m }))!;
        Assert.That(unknown.ParamName, Is.EqualTo("expected"));
        Assert.That(unknown.Message, Does.Contain("Decimal[]").And.Contain("Convert it"));
        var parity = Assert.Throws<ArgumentException>(() => EngineParity.Run((e, x) => x[0], ["text"]))!;
        Assert.That(parity.ParamName, Is.EqualTo("inputs[0]"));
    }
}
