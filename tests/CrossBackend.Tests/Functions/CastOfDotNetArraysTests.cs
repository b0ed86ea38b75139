using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <c>Cast</c> of a .NET array of numbers or a number (FastEstimator's NumPy leaf: <c>cast</c> gives
/// <c>np.array(data, dtype=dtype)</c>, an <c>astype</c> copy): the same kind of array in the dtype's .NET type
/// (<c>ToNumber</c>'s mapping), alone or inside a batch. Before session 52 such a leaf was refused ("make tensors
/// first"). Golden values: NumPy 1.24's <c>astype</c> (PyTorch 1.13's <c>.to</c> gives the same integers); and the
/// same values as the engine's own <c>Cast</c> of a tensor of them, on every engine.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class CastOfDotNetArraysTests(ITensorEngine engine)
{
    private static readonly double[] Edges = [-1.0, 300.7, -2.7, double.NaN, double.PositiveInfinity, 3e9, 0.5, -0.0, 65519.0, 1e-8];

    /// <summary>np.array(Edges).astype(dtype).tolist() in NumPy 1.24.</summary>
    private static IEnumerable<TestCaseData> NumPy() =>
    [
        new TestCaseData(DType.UInt8, new byte[] { 255, 44, 254, 0, 0, 0, 0, 0, 239, 0 }),
        new TestCaseData(DType.Int8, new sbyte[] { -1, 44, -2, 0, 0, 0, 0, 0, -17, 0 }),
        new TestCaseData(DType.Int16, new short[] { -1, 300, -2, 0, 0, 0, 0, 0, -17, 0 }),
        new TestCaseData(DType.Int32, new[] { -1, 300, -2, int.MinValue, int.MinValue, int.MinValue, 0, 0, 65519, 0 }),
        new TestCaseData(DType.Int64, new[] { -1, 300, -2, long.MinValue, long.MinValue, 3000000000, 0, 0, 65519, 0 }),
        new TestCaseData(DType.Float16, new[] { (Half)(-1.0), (Half)300.75, (Half)(-2.69921875), Half.NaN, Half.PositiveInfinity, Half.PositiveInfinity, (Half)0.5, Half.NegativeZero, (Half)65504.0, (Half)0.0 }),
        new TestCaseData(DType.Float32, new[] { -1f, 300.7f, -2.7f, float.NaN, float.PositiveInfinity, 3e9f, 0.5f, -0f, 65519f, 1e-8f }),
        new TestCaseData(DType.Bool, new[] { true, true, true, true, true, true, true, false, true, true }),
    ];

    [TestCaseSource(nameof(NumPy))]
    public void AnArrayIsCastAsNumPysAstype(DType dtype, Array expected)
    {
        double[,] data = new double[2, 5];
        Buffer.BlockCopy(Edges, 0, data, 0, Edges.Length * sizeof(double));
        var result = (Array)Backend.Cast(data, dtype);
        Assert.That(result.GetType(), Is.EqualTo(expected.GetType().GetElementType()!.MakeArrayType(2)), "the same kind of array: rank 2");
        Assert.That(result.GetLength(0), Is.EqualTo(2));
        Assert.That(result.Cast<object>(), Is.EqualTo(expected.Cast<object>()));
        // The engine's own cast of a tensor of the same values gives the same numbers.
        Assert.That(Backend.ToNumber(Backend.Cast(Backend.ToTensor(Edges, engine), dtype)).Cast<object>(), Is.EqualTo(expected.Cast<object>()));
    }

    /// <summary>Integers to integers keep the low bits, unsigned sources too; to a float they round once:
    /// np.array([5000000001, -1, 2**40 + 5]).astype('int32') → [705032705, -1, 5], .astype('uint8') → [1, 255, 5];
    /// np.array([4000000000], 'uint32').astype('int32') → [-294967296]; np.array([2**62 + 2**38 + 1]).astype('float32')
    /// → [4.611686568183202e18] (through float64 it would round twice, to 2⁶²).</summary>
    [Test]
    public void IntegersKeepTheLowBitsAndRoundOnceToFloats()
    {
        long[] wide = [5000000001, -1, (1L << 40) + 5];
        Assert.That(Backend.Cast(wide, DType.Int32), Is.EqualTo(new[] { 705032705, -1, 5 }));
        Assert.That(Backend.Cast(wide, "uint8"), Is.EqualTo(new byte[] { 1, 255, 5 }));
        Assert.That(Backend.ToNumber(Backend.Cast(Backend.ToTensor(wide, engine), DType.Int32)), Is.EqualTo(new[] { 705032705, -1, 5 }), "the engine's cast");
        Assert.That(Backend.Cast(new uint[] { 4000000000 }, DType.Int32), Is.EqualTo(new[] { -294967296 }));
        Assert.That(Backend.Cast(new[] { (1L << 62) + (1L << 38) + 1 }, DType.Float32), Is.EqualTo(new[] { 4.611686568183202e18f }));
        Assert.That(Backend.Cast(new[] { true, false }, DType.Float16), Is.EqualTo(new[] { Half.One, Half.Zero }));
    }

    /// <summary>FastEstimator's docstring batch with NumPy leaves: {"x": np.ones((10, 15)), "y": [np.ones(4), np.ones((5, 3))],
    /// "z": {"key": np.ones((2, 2))}} cast to "float16" → every leaf float16; here a jagged array, a number and a tensor
    /// beside them, each kept in its kind.</summary>
    [Test]
    public void ABatchOfArraysNumbersAndTensorsKeepsEachKind()
    {
        object tensor = FunctionExamples.T(engine, [1, 2], [2], DType.Float32);
        var data = new Dictionary<string, object?>
        {
            ["x"] = new double[10, 15],
            ["y"] = new List<object?> { new float[] { 0.1f, 2.5f }, new[] { new[] { 1, 2 }, new[] { 3, 4 } } },
            ["z"] = new Dictionary<string, object?> { ["key"] = 7.9, ["t"] = tensor },
        };
        Dictionary<string, object?> cast = Backend.Cast(data, "float16");
        Assert.That(cast["x"], Is.InstanceOf<Half[,]>().And.Property("Length").EqualTo(150));
        var y = (List<object?>)cast["y"]!;
        Assert.That(y[0], Is.EqualTo(new[] { (Half)0.1f, (Half)2.5f }).And.InstanceOf<Half[]>());
        Assert.That(y[1], Is.InstanceOf<Half[][]>());
        Assert.That(((Half[][])y[1]!)[1], Is.EqualTo(new[] { (Half)3, (Half)4 }));
        var z = (Dictionary<string, object?>)cast["z"]!;
        Assert.That(z["key"], Is.EqualTo((Half)7.9).And.InstanceOf<Half>(), "a number stays a number");
        Assert.That(TensorEngines.OwnerOf(z["t"]!.GetType()), Is.SameAs(engine));
        Assert.That(Backend.ToType(z["t"]!), Is.EqualTo(DType.Float16));
        var types = Backend.ToType(cast);
        Assert.That(((List<object?>)types["y"]!).Concat([types["x"]]), Is.All.EqualTo(DType.Float16));
        Assert.That(Backend.Cast(3, DType.Int64), Is.EqualTo(3L).And.InstanceOf<long>());
    }

    [Test]
    public void ACastIsACopyAndAJaggedArrayOfAnyRankKeepsItsNesting()
    {
        float[] same = [1.5f, -2f];
        Assert.That(Backend.Cast(same, DType.Float32), Is.EqualTo(same).And.Not.SameAs(same), "np.array(data, dtype) copies");
        var grid = new int[]?[,] { { [1, 2], null } };
        var cast = (long[]?[,])Backend.Cast(grid, DType.Int64);
        Assert.That(cast[0, 0], Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(cast[0, 1], Is.Null);
    }

    /// <summary>bfloat16 has no .NET element type and NumPy no such dtype (FastEstimator's cast of a NumPy array to it
    /// raises TypeError): refused naming <c>dtype</c> and the leaf, with the fix; a tensor leaf casts to it.</summary>
    [Test]
    public void BFloat16IsRefusedForDotNetArrays()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.Cast(new Dictionary<string, object?> { ["x"] = new float[2] }, "bfloat16"))!;
        Assert.That(e.ParamName, Is.EqualTo("dtype"));
        Assert.That(e.Message, Does.Contain("data[\"x\"]").And.Contain("Backend.ToTensor("));
        Assert.That(Backend.ToType(Backend.Cast(FunctionExamples.T(engine, [1], [1], DType.Float32), "bfloat16")), Is.EqualTo(DType.BFloat16));
    }
}
