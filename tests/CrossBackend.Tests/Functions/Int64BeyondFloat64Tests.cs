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

    /// <summary>Whether this engine computes int64 natively (libtorch) rather than in float64 (the channels-last engine,
    /// which has no integer ops): a function that only moves values is exact on the first and refused on the second.</summary>
    private bool ComputesInt64()
    {
        try { return Backend.ToNumber(Backend.Flip(Ids(), [0])) is long[]; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Arithmetic that PyTorch computes exactly in int64 (sum, +, −, ·, a whole power, matmul, clamp) is exact
    /// where the engine computes int64 natively, wrapping as int64 wraps, and refused by name, never rounded, where it
    /// computes in float64. Golden values: PyTorch 1.13 (<c>v + 1</c>, <c>v * 3</c>, <c>v.pow(2)</c>,
    /// <c>torch.tensor([2**52, 2**52, 5]).sum()</c>, <c>torch.matmul</c>, <c>torch.clamp(v, 0, 2**60)</c>). Before session
    /// 52 every engine refused these (the functions took the float64 detour on torch too).</summary>
    [Test]
    public void ArithmeticBeyondTwoToThe53IsExactOrRefusedByName()
    {
        bool native = ComputesInt64();
        object square = Backend.ToTensor(new[] { 3037000499L, -Big }, engine);
        var calls = new (string Name, string Argument, Func<object> Call, long[] Expected)[]
        {
            ("Add", "a", () => Backend.Add(Ids(), 1), [Big + 1, -(Big + 1), 4, long.MinValue]),
            ("Subtract", "a", () => Backend.Subtract(Ids(), Ids()), [0, 0, 0, 0]),
            ("Multiply", "a", () => Backend.Multiply(Ids(), 3), [27021597764222979, -27021597764222985, 9, 9223372036854775805]),
            ("ReduceSum", "tensor", () => Backend.ReduceSum(Backend.ToTensor(new[] { 1L << 52, 1L << 52, 5 }, engine)), [9007199254740997]),
            ("Pow", "tensor", () => Backend.Pow(square, 2), [9223372030926249001, 18014398509481985]),
            ("MatMul", "a", () => Backend.MatMul(Backend.ToTensor(new[] { Big, 1 }, engine, null, [1, 2]), Backend.ToTensor(new[] { 1, Big }, engine, null, [2, 1])), [18014398509481986]),
            ("ClipByValue", "tensor", () => Backend.ClipByValue(Ids(), 0, 1L << 60), [Big, 0, 3, 1L << 60]),
        };
        foreach ((string name, string argument, Func<object> call, long[] expected) in calls)
        {
            if (native)
            {
                object result = call();
                Assert.That(Backend.ToType(result), Is.EqualTo(DType.Int64), name);
                Assert.That(Backend.ToNumber(result), Is.EqualTo(expected), name);
                continue;
            }
            var e = Assert.Throws<ArgumentException>(() => call(), name)!;
            Assert.That(e.ParamName, Is.EqualTo(argument), name);
            Assert.That(e.Message, Does.Contain("2⁵³ (9007199254740992) or more"), name);
        }
        // Below 2⁵³ every engine is exact (2⁵³ − 2 + 1 = 2⁵³ − 1; 2⁵¹ + 2⁵¹ + 5 = 2⁵² + 5).
        Assert.That(Backend.ToNumber(Backend.Add(Backend.ToTensor(new[] { (1L << 53) - 2, -5 }, engine), 1)), Is.EqualTo(new[] { (1L << 53) - 1, -4 }));
        Assert.That(Backend.ToNumber(Backend.ReduceSum(Backend.ToTensor(new[] { 1L << 51, 1L << 51, 5 }, engine))), Is.EqualTo(new[] { (1L << 52) + 5 }));
    }

    /// <summary>Inputs below 2⁵³ whose int64 result is not, where the engine computes in float64: 2⁵² + 2⁵² + 5 =
    /// 9007199254740997 (NumPy, PyTorch) would be 9007199254740996 in float64, so the result is refused too. (Where the
    /// engine computes int64, the sum is exact: above.)</summary>
    [Test]
    public void AnInt64ResultBeyondTwoToThe53IsRefusedWhereComputedInFloat64()
    {
        if (ComputesInt64()) Assert.Ignore("This engine computes int64 natively.");
        object x = Backend.ToTensor(new[] { 1L << 52, 1L << 52, 5 }, engine);
        var e = Assert.Throws<ArgumentException>(() => Backend.ReduceSum(x))!;
        Assert.That(e.ParamName, Is.EqualTo("tensor"));
        Assert.That(e.Message, Does.StartWith("The int64 result computed from `tensor` reaches magnitude 2⁵³"));
    }

    /// <summary>int32 products computed natively wrap exactly, as NumPy and PyTorch give (2³¹ − 1)² → 1 in int32; the
    /// float64 detour rounds the 62-bit product first.</summary>
    [Test]
    public void AnInt32ProductWrapsExactlyWhereComputedNatively()
    {
        if (!ComputesInt64()) Assert.Ignore("This engine computes integers in float64 (no integer ops).");
        object x = Backend.ToTensor(new[] { int.MaxValue, -3 }, engine);
        Assert.That(Backend.ToNumber(Backend.Multiply(x, x)), Is.EqualTo(new[] { 1, 9 }));
    }

    /// <summary>Where int32 is computed in float64, (2³¹ − 1)² is rounded before it could wrap (PyTorch's 1 would be 0):
    /// refused, naming the argument; a product that float64 holds exactly still wraps (65536 · 65537 → 65536).</summary>
    [Test]
    public void AnInt32ProductBeyondTwoToThe53IsRefusedWhereComputedInFloat64()
    {
        if (ComputesInt64()) Assert.Ignore("This engine computes integers natively.");
        object x = Backend.ToTensor(new[] { int.MaxValue, -3 }, engine);
        var e = Assert.Throws<ArgumentException>(() => Backend.Multiply(x, x))!;
        Assert.That(e.ParamName, Is.EqualTo("a"));
        Assert.That(e.Message, Does.StartWith("The int32 result computed from `a` reaches magnitude 2⁵³"));
        object y = Backend.ToTensor(new[] { 65536, 3 }, engine), z = Backend.ToTensor(new[] { 65537, -3 }, engine);
        Assert.That(Backend.ToNumber(Backend.Multiply(y, z)), Is.EqualTo(new[] { 65536, -9 }));
    }

    /// <summary>Mean, standard deviation and square root are floating math (float32 results, as Keras): an int64
    /// beyond 2⁵³ is refused on every engine rather than rounded on the way in.</summary>
    [Test]
    public void FloatingMathOfInt64BeyondTwoToThe53IsRefused()
    {
        foreach ((string name, TestDelegate call) in new (string, TestDelegate)[]
        {
            ("ReduceMean", () => Backend.ReduceMean(Ids())), ("ReduceStd", () => Backend.ReduceStd(Ids())), ("TensorSqrt", () => Backend.TensorSqrt(Ids())),
        })
            Assert.That(Assert.Throws<ArgumentException>(call)!.Message, Does.Contain("2⁵³"), name);
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
