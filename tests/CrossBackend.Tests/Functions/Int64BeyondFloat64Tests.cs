using CrossBackend.Testing;
using CrossBackend.IO;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// int64 values of magnitude 2⁵³ or more (64-bit ids, hashes), which float64 cannot hold: the host copies keep them
/// exactly, as <c>np.array([2**53 + 1])</c> and <c>torch.tensor([2**53 + 1])</c> do, and a function that computes
/// integers in float64 refuses them by name instead of answering with rounded values. Before session 49
/// <c>ToNumber</c>, <c>ToTensor</c> between engines, <c>Layout.ToEngine</c>, <c>NpyArray.FromTensor</c> and printing
/// gave 9007199254740992 for 9007199254740993 on every engine, and arithmetic rounded silently.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class Int64BeyondFloat64Tests(ITensorEngine engine)
{
    private const long Big = (1L << 53) + 1;   // 9007199254740993, the first integer float64 cannot hold
    private static readonly long[] Values = [Big, -(Big + 2), 3, long.MaxValue];

    private object Ids() => Backend.ToTensor(Values, engine);

    [Test]
    public void HostCopiesKeepEveryBit()
    {
        Assert.That(Backend.ToNumber(Ids()), Is.EqualTo(Values));
        Assert.That(Backend.ToNumber<long>(Ids()), Is.EqualTo(Values));
        Assert.That(Backend.ToNumber<decimal>(Ids()), Is.EqualTo(Values.Select(v => (decimal)v)), "converted from each long, not from a double");
        Assert.That(NpyArray.FromTensor(Ids()).Data, Is.EqualTo(Values));
        Assert.That(TensorFormat.ToString(Ids()),
            Is.EqualTo("array([   9007199254740993,   -9007199254740995,                   3,\n       9223372036854775807])"),
            "np.array([9007199254740993, -9007199254740995, 3, 9223372036854775807]) in NumPy 1.24");
        foreach (ITensorEngine other in TensorEngines.All)
        {
            Assert.That(Backend.ToNumber(Backend.ToTensor(Ids(), other)), Is.EqualTo(Values), $"ToTensor to {other.Name}");
            Assert.That(Backend.ToNumber(Layout.ToEngine(Ids(), other)), Is.EqualTo(Values), $"Layout.ToEngine to {other.Name}");
        }
    }

    /// <summary>Arithmetic on integers runs in float64 on every engine: beyond 2⁵³ it is refused, naming the argument;
    /// below it, it is exact (2⁵³ − 2 + 1 = 2⁵³ − 1).</summary>
    [Test]
    public void ArithmeticBeyondTwoToThe53IsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.Add(Ids(), 1))!;
        Assert.That(e.ParamName, Is.EqualTo("a"));
        Assert.That(e.Message, Does.Contain("int64 values of magnitude 2⁵³ (9007199254740992) or more"));
        Assert.That(Backend.ToNumber(Backend.Add(Backend.ToTensor(new[] { (1L << 53) - 2, -5 }, engine), 1)),
            Is.EqualTo(new[] { (1L << 53) - 1, -4 }));
    }

    /// <summary>Inputs below 2⁵³ whose int64 result is not: 2⁵² + 2⁵² + 5 = 9007199254740997 (NumPy, PyTorch) would be
    /// 9007199254740996 in float64, so the result is refused too.</summary>
    [Test]
    public void AnInt64ResultBeyondTwoToThe53IsRefused()
    {
        object x = Backend.ToTensor(new[] { 1L << 52, 1L << 52, 5 }, engine);
        var e = Assert.Throws<ArgumentException>(() => Backend.ReduceSum(x))!;
        Assert.That(e.ParamName, Is.EqualTo("tensor"));
        Assert.That(e.Message, Does.StartWith("The int64 result computed from `tensor` reaches magnitude 2⁵³"));
        Assert.That(Backend.ToNumber(Backend.ReduceSum(Backend.ToTensor(new[] { 1L << 51, 1L << 51, 5 }, engine))),
            Is.EqualTo(new[] { (1L << 52) + 5 }));
    }

    /// <summary>Functions that only move, select or compare values are exact where the engine computes int64 natively
    /// (libtorch) and refused where it computes integers in float64 (the channels-last engine) — never rounded.</summary>
    [Test]
    public void MovingFunctionsAreExactOrRefusedNeverRounded()
    {
        var calls = new (string Name, Func<object> Call, long[] Expected)[]
        {
            ("Flip", () => Backend.Flip(Ids(), [0]), [long.MaxValue, 3, -(Big + 2), Big]),
            ("Reshape", () => Backend.Reshape(Ids(), [2, 2]), Values),
            ("ReduceMax", () => Backend.ReduceMax(Ids()), [long.MaxValue]),
            ("Maximum", () => Backend.Maximum(Ids(), Ids()), Values),
        };
        foreach ((string name, Func<object> call, long[] expected) in calls)
        {
            object result;
            try { result = call(); }
            catch (ArgumentException e)
            {
                Assert.That(e.ParamName, Is.AnyOf("tensor", "tensor1"), name);
                Assert.That(e.Message, Does.Contain("2⁵³"), name);
                continue;
            }
            Assert.That(Backend.ToNumber(result), Is.EqualTo(expected), name);
        }
    }

    /// <summary>An explicit cast to a float rounds once, as NumPy's <c>astype</c>: <c>np.array([2**53 + 1, 3, 16777217,
    /// 2**62 + 2**38 + 1])</c> → float64 [9007199254740992, 3, 16777217, 4.611686293305295e18], float32
    /// [9007199254740992, 3, 16777216, 4.611686568183202e18] (PyTorch 1.13's <c>.float()</c> the same). The last value is
    /// a float32 tie only after a first rounding to float64, which would give 2⁶² instead. The channels-last engine
    /// refused the cast (its float64 detour) before this session's fix.</summary>
    [Test]
    public void CastToAFloatRoundsOnceAsNumPy()
    {
        object x = Backend.ToTensor(new[] { (1L << 53) + 1, 3, 16777217, (1L << 62) + (1L << 38) + 1 }, engine);
        Assert.That(Backend.ToNumber(Backend.Cast(x, DType.Float64)), Is.EqualTo(new[] { 9007199254740992.0, 3, 16777217, 4.611686293305295e18 }));
        Assert.That(Backend.ToNumber(Backend.Cast(x, "float32")), Is.EqualTo(new[] { 9007199254740992f, 3, 16777216, 4.611686568183202e18f }));
    }
}
