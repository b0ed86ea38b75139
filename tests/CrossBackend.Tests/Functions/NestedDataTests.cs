using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// FastEstimator's collection-aware functions (<c>to_tensor</c>, <c>cast</c>, <c>to_type</c>, <c>to_shape</c>) on every
/// engine: each docstring example and each value of their unit tests (<c>test/PR_test/unit_test/backend/test_to_tensor.py</c>,
/// <c>test_cast.py</c>, <c>test_to_type.py</c>, <c>test_to_shape.py</c>), where NumPy arrays are .NET arrays and
/// "the other framework's tensors" are another engine's. Then the arguments refused, with the path to the leaf.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NestedDataTests(ITensorEngine engine)
{
    /// <summary>FastEstimator's batch: {"x": ones((10, 15)), "y": [ones(4), ones((5, 3))], "z": {"key": ones((2, 2))}}.</summary>
    private static Dictionary<string, object?> Batch(Func<long[], object> ones) => new()
    {
        ["x"] = ones([10, 15]),
        ["y"] = new List<object?> { ones([4]), ones([5, 3]) },
        ["z"] = new Dictionary<string, object?> { ["key"] = ones([2, 2]) },
    };

    private static Array HostOnes(long[] shape)
    {
        Array a = Array.CreateInstance(typeof(double), shape.Select(d => (int)d).ToArray());
        foreach (int[] index in Indices(shape)) a.SetValue(1.0, index);
        return a;

        static IEnumerable<int[]> Indices(long[] shape) => shape.Length == 0 ? [[]]
            : Enumerable.Range(0, (int)shape[0]).SelectMany(i => Indices(shape[1..]).Select(rest => (int[])[i, .. rest]));
    }

    private object Ones(long[] shape, DType dtype, ITensorEngine? on = null) =>
        FunctionExamples.T(on ?? engine, Enumerable.Repeat(1.0, (int)Shapes.Count(shape)).ToArray(), shape, dtype);

    /// <summary>An engine other than the fixture's, for FastEstimator's "torch tensors to NumPy" (null with one engine).</summary>
    private ITensorEngine? Other => TensorEngines.All.FirstOrDefault(e => e != engine);

    /// <summary>FE's mixed-dtype batch of test_to_type / test_cast: float32, [int8, float64], {int64}.</summary>
    private Dictionary<string, object?> MixedBatch() => new()
    {
        ["x"] = Ones([10, 15], DType.Float32),
        ["y"] = new List<object?> { Ones([4], DType.Int8), Ones([5, 3], DType.Float64) },
        ["z"] = new Dictionary<string, object?> { ["key"] = Ones([2, 2], DType.Int64) },
    };

    /// <summary>Every leaf of a result, in the batch's order (x, y[0], y[1], z.key).</summary>
    private static object?[] Leaves(Dictionary<string, object?> batch) =>
        [batch["x"], ((List<object?>)batch["y"]!)[0], ((List<object?>)batch["y"]!)[1], ((Dictionary<string, object?>)batch["z"]!)["key"]];

    private void AllOnThisEngine(Dictionary<string, object?> result, long[][] shapes, DType dtype)
    {
        object?[] leaves = Leaves(result);
        for (int i = 0; i < leaves.Length; i++)
        {
            Assert.That(TensorEngines.OwnerOf(leaves[i]!.GetType()), Is.SameAs(engine), $"leaf {i} is this engine's tensor");
            Assert.That(Backend.GetShape(leaves[i]!), Is.EqualTo(shapes[i]), $"leaf {i} shape");
            Assert.That(Backend.ToType(leaves[i]!), Is.EqualTo(dtype), $"leaf {i} dtype");
            Assert.That(engine.ToDoubleArray(leaves[i]!, out _), Is.All.EqualTo(1.0), $"leaf {i} values");
        }
    }

    private static readonly long[][] BatchShapes = [[10, 15], [4], [5, 3], [2, 2]];

    // ---- to_tensor ----

    [Test]
    public void ToTensorOfNumPyDataGivesTensors()
    {
        // FE: to_tensor({"x": np.ones((10,15)), ...}, target_type='torch') → {"x": <torch.Tensor>, "y": [<torch.Tensor>, <torch.Tensor>], "z": {"key": <torch.Tensor>}}
        Dictionary<string, object?> result = Backend.ToTensor(Batch(HostOnes), engine.Name);
        Assert.That(result.Keys, Is.EqualTo(new[] { "x", "y", "z" }));
        AllOnThisEngine(result, BatchShapes, DType.Float64);
    }

    [Test]
    public void ToTensorOfAnotherEnginesTensorsCopiesThem()
    {
        // FE: to_tensor({"x": torch.ones((10,15)), ...}, target_type='np') → {"x": <np.ndarray>, ...}
        ITensorEngine other = Other ?? throw new IgnoreException("one engine only");
        Dictionary<string, object?> theirs = Batch(s => Ones(s, DType.Float32, other));
        Dictionary<string, object?> result = Backend.ToTensor(theirs, engine);
        AllOnThisEngine(result, BatchShapes, DType.Float32);
    }

    [Test]
    public void ToTensorKeepsEachArraysDType()
    {
        // FE test_to_tensor_np_to_torch: int32 (10, 15), [float32 (4,), float32 (5, 3)], {float64 (2, 2)}, dtypes kept.
        var data = new Dictionary<string, object?>
        {
            ["x"] = new int[10, 15],
            ["y"] = new List<object?> { new float[4], new float[5, 3] },
            ["z"] = new Dictionary<string, object?> { ["key"] = new double[2, 2] },
        };
        Dictionary<string, object?> types = Backend.ToType(Backend.ToTensor(data, engine.Name));
        Assert.That(types["x"], Is.EqualTo(DType.Int32));
        Assert.That(types["y"], Is.EqualTo(new List<object?> { DType.Float32, DType.Float32 }));
        Assert.That(types["z"], Is.EqualTo(new Dictionary<string, object?> { ["key"] = DType.Float64 }));
    }

    [Test]
    public void ToTensorKeepsNoneInATuple()
    {
        // FE test_torch_with_nones: to_tensor((None, np.ones((13, 3, 2, 4), int16)), 'torch') → (None, torch int16).
        var data = ((object?)null, (object)new short[13, 3, 2, 4]);
        var result = ((object?, object?))Backend.ToTensor(data, engine.Name)!;
        Assert.That(result.Item1, Is.Null);
        Assert.That(Backend.ToType(result.Item2!), Is.EqualTo(DType.Int16));
        Assert.That(Backend.GetShape(result.Item2!), Is.EqualTo(new long[] { 13, 3, 2, 4 }));
        Assert.That(Backend.ToTensor((object?)null, engine.Name), Is.Null, "to_tensor(None) is None");
    }

    [Test]
    public void ToTensorKeepsThisEnginesTensorsStringsAndStructure()
    {
        object mine = Ones([2], DType.Float32);
        var data = new object?[] { mine, "label", new HashSet<object> { 3.5 }, Tuple.Create((object)new[] { new[] { 1, 2 }, new[] { 3, 4 } }) };
        var result = (object?[])Backend.ToTensor(data, engine)!;
        Assert.That(result[0], Is.SameAs(mine), "a tensor already on the engine is kept");
        Assert.That(result[1], Is.EqualTo("label"), "strings pass through, as FastEstimator keeps them");
        object number = ((HashSet<object?>)result[2]!).Single()!;
        Assert.That(Backend.ToType(number), Is.EqualTo(DType.Float64));
        Assert.That(engine.ToDoubleArray(number, out _), Is.EqualTo(new[] { 3.5 }), "a number is a (rank-0) tensor, as np.array(3.5)");
        object jagged = ((Tuple<object>)result[3]!).Item1;
        Assert.That(Backend.GetShape(jagged), Is.EqualTo(new long[] { 2, 2 }), "a jagged array is read as np.array reads a nested list");
        Assert.That(engine.ToDoubleArray(jagged, out _), Is.EqualTo(new double[] { 1, 2, 3, 4 }));
    }

    // ---- cast and to_type ----

    [Test]
    public void CastThenToTypeAsTheDocstrings()
    {
        // FE cast docstring, NumPy: float64 everywhere, then cast "float16" → float16 everywhere.
        Dictionary<string, object?> data = Backend.ToTensor(Batch(HostOnes), engine);
        Assert.That(Leaves(Backend.ToType(data)), Is.All.EqualTo(DType.Float64));
        Assert.That(Leaves(Backend.ToType(Backend.Cast(data, "float16"))), Is.All.EqualTo(DType.Float16));
        // TensorFlow: float32 → cast "uint8" → uint8; PyTorch: float32 → cast "float64" → float64.
        Dictionary<string, object?> ones = Batch(s => Ones(s, DType.Float32));
        Assert.That(Leaves(Backend.ToType(ones)), Is.All.EqualTo(DType.Float32));
        Dictionary<string, object?> bytes = Backend.Cast(ones, "uint8");
        Assert.That(Leaves(Backend.ToType(bytes)), Is.All.EqualTo(DType.UInt8));
        Assert.That(Leaves(Backend.ToType(Backend.Cast(ones, DType.Float64))), Is.All.EqualTo(DType.Float64));
        AllOnThisEngine(Backend.Cast(bytes, DType.Float32), BatchShapes, DType.Float32);
    }

    [Test]
    public void ToTypeOfMixedDTypes()
    {
        // FE to_type docstring and test_to_type: {'x': float32, 'y': [int8, float64], 'z': {'key': int64}}.
        Dictionary<string, object?> types = Backend.ToType(MixedBatch());
        Assert.That(Leaves(types), Is.EqualTo(new object[] { DType.Float32, DType.Int8, DType.Float64, DType.Int64 }));
    }

    [TestCase("float16", DType.Float16)]
    [TestCase("uint8", DType.UInt8)]
    [TestCase("float64", DType.Float64)]
    public void CastOfMixedDTypes(string dtype, DType expected)
    {
        // FE test_cast: the mixed batch cast to float16 (NumPy), uint8 (TensorFlow), float64 (PyTorch).
        Dictionary<string, object?> cast = Backend.Cast(MixedBatch(), dtype);
        Assert.That(Leaves(Backend.ToType(cast)), Is.All.EqualTo(expected));
        Assert.That(Leaves(cast).Select(t => engine.ToDoubleArray(t!, out _).Distinct().Single()), Is.All.EqualTo(1.0));
    }

    [Test]
    public void CastOfAnObjectTreeKeepsItsStructure()
    {
        object tree = new List<object?> { Ones([3], DType.Int32), null, (Ones([1], DType.Float32), new object[] { Ones([2], DType.Int64) }) };
        var cast = (List<object?>)Backend.Cast(tree, DType.Float64);
        Assert.That(Backend.ToType(cast[0]!), Is.EqualTo(DType.Float64));
        Assert.That(cast[1], Is.Null);
        var (single, array) = ((object?, object?))cast[2]!;
        Assert.That(Backend.ToType(single!), Is.EqualTo(DType.Float64));
        Assert.That(Backend.ToType(((object?[])array!)[0]!), Is.EqualTo(DType.Float64));
    }

    [Test]
    public void ToTypeOfDotNetArraysAndNumbers()
    {
        Assert.That(Backend.ToType(new float[2, 3]), Is.EqualTo(DType.Float32));
        Assert.That(Backend.ToType(new[] { new long[2] }), Is.EqualTo(DType.Int64));
        Assert.That(Backend.ToType(5), Is.EqualTo(DType.Int32), ".NET int is int32 (NumPy's default int is int64)");
        Assert.That(Backend.ToType(new ushort[1]), Is.EqualTo(DType.Int32), "as ToTensor widens it");
    }

    // ---- to_shape ----

    [Test]
    public void ToShapeAsTheDocstring()
    {
        foreach (Dictionary<string, object?> data in new[] { Batch(HostOnes), Batch(s => Ones(s, DType.Float32)) })
        {
            // {"x": (10, 15), "y": [(4), (5, 3)], "z": {"key": (2, 2)}}
            Assert.That(Leaves(Backend.ToShape(data)), Is.EqualTo(new object[] { new long?[] { 10, 15 }, new long?[] { 4 }, new long?[] { 5, 3 }, new long?[] { 2, 2 } }));
            // add_batch=True: {"x": (None, 10, 15), "y": [(None, 4), (None, 5, 3)], "z": {"key": (None, 2, 2)}}
            Assert.That(Leaves(Backend.ToShape(data, addBatch: true)),
                Is.EqualTo(new object[] { new long?[] { null, 10, 15 }, new long?[] { null, 4 }, new long?[] { null, 5, 3 }, new long?[] { null, 2, 2 } }));
            // exact_shape=False: {"x": (None, None), "y": [(None), (None, None)], "z": {"key": (None, None)}}
            Assert.That(Leaves(Backend.ToShape(data, exactShape: false)),
                Is.EqualTo(new object[] { new long?[] { null, null }, new long?[] { null }, new long?[] { null, null }, new long?[] { null, null } }));
        }
    }

    [Test]
    public void ToShapeOfOneLeaf()
    {
        Assert.That(Backend.ToShape(Ones([3, 2, 2], DType.Int64)), Is.EqualTo(new long?[] { 3, 2, 2 }));
        Assert.That(Backend.ToShape(7.5), Is.EqualTo(Array.Empty<long?>()), "np.array(7.5).shape == ()");
        Assert.That(Backend.ToShape(new[] { new[] { 1.0, 2.0 } }, addBatch: true), Is.EqualTo(new long?[] { null, 1, 2 }));
        Assert.That(Backend.ToShape(null), Is.Null);
    }

    // ---- to_number (one value, not a collection, in FastEstimator too) ----

    [Test]
    public void ToNumberAsTheDocstring()
    {
        // FE: to_number(5) → 5, to_number(4.0) → 4.0, to_number(np.array([1, 2, 3])) → [1, 2, 3], and of tensors [1, 2, 3].
        Assert.That(Backend.ToNumber(5), Is.EqualTo(new[] { 5 }).And.InstanceOf<int[]>());
        Assert.That(Backend.ToNumber(4.0), Is.EqualTo(new[] { 4.0 }).And.InstanceOf<double[]>());
        long[] n = [1, 2, 3];
        Array copy = Backend.ToNumber(n);
        Assert.That(copy, Is.EqualTo(n).And.Not.SameAs(n), "a copy, as np.array(n)");
        Assert.That(Backend.ToNumber(new[] { new[] { 1f, 2f }, new[] { 3f, 4f } }), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
        Assert.That(Backend.ToNumber(new ushort[] { 1, 65535 }), Is.EqualTo(new[] { 1, 65535 }).And.InstanceOf<int[]>());
        Assert.That(Backend.ToNumber(Backend.ToTensor(n, engine)), Is.EqualTo(n).And.InstanceOf<long[]>());
        Assert.That(Backend.ToNumber<double>(new[] { 1, 2, 3 }), Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(Assert.Catch<ArgumentException>(() => Backend.ToNumber(new Dictionary<string, object?>()))!.Message, Does.Contain("takes one value"));
    }

    // ---- refused ----

    private static ArgumentException Refused(TestDelegate call, string path)
    {
        var e = Assert.Catch<ArgumentException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo("data"));
        Assert.That(e.Message, Does.Contain("`data`").And.Contain(path));
        return e;
    }

    [Test]
    public void AnUnsupportedLeafIsRefusedWithItsPath()
    {
        var data = new Dictionary<string, object?> { ["x"] = new List<object?> { 1.0, null, DateTime.UnixEpoch } };
        Assert.That(Refused(() => Backend.ToTensor(data, engine.Name), "data[\"x\"][2]").Message, Does.Contain("DateTime"));
        Refused(() => Backend.ToType(data), "data[\"x\"][2]");
        Refused(() => Backend.ToShape(data), "data[\"x\"][2]");
    }

    [Test]
    public void ACycleIsRefusedWithItsPath()
    {
        var inner = new List<object?> { Ones([2], DType.Float32) };
        var data = new Dictionary<string, object?> { ["y"] = inner };
        inner.Add(inner);
        Assert.That(Refused(() => Backend.ToTensor(data, engine), "data[\"y\"][1]").Message,
            Does.Contain("must not contain itself").And.Contain("data[\"y\"][1] is data[\"y\"] again"));
        data["y"] = new List<object?>();
        data["self"] = data;
        Assert.That(Refused(() => Backend.Cast(data, DType.Float64), "data[\"self\"]").Message, Does.Contain("data[\"self\"] is data again"));
        Refused(() => Backend.ToShape(data), "data[\"self\"]");
    }

    [Test]
    public void TheSameCollectionTwiceIsNotACycle()
    {
        var shared = new List<object?> { new float[2] };
        var result = Backend.ToShape(new Dictionary<string, object?> { ["a"] = shared, ["b"] = shared });
        Assert.That(result["b"], Is.EqualTo(new List<object?> { new long?[] { 2 } }));
    }

    [Test]
    public void ARaggedJaggedArrayIsRefusedWithItsPath()
    {
        var data = new Dictionary<string, object?> { ["x"] = new[] { new[] { 1.0, 2.0 }, new[] { 3.0 } } };
        Assert.That(Refused(() => Backend.ToTensor(data, engine.Name), "data[\"x\"][1]").Message, Does.Contain("(1,)").And.Contain("(2,)"));
    }

    [Test]
    public void ALeafTheEngineRefusesIsNamedByItsPath()
    {
        var data = new Dictionary<string, object?> { ["ids"] = new List<object?> { new ulong[] { 1, ulong.MaxValue } } };
        var e = Refused(() => Backend.ToTensor(data, engine.Name), "data[\"ids\"][0][1]");
        Assert.That(e.Message, Does.Contain("int64").And.Not.Contain("(Parameter 'data[\""));
    }

    /// <summary>A leaf Cast cannot convert is refused by the argument's name and the path to it: a list given alone goes
    /// through <c>Cast(object data, ...)</c>, FastEstimator's <c>cast(data, dtype)</c>, so its paths begin with
    /// <c>data</c> too (they began with <c>tensor</c>, the parameter's old name, before session 52).</summary>
    [Test]
    public void CastRefusesOtherLeavesByPath()
    {
        var data = new Dictionary<string, object?> { ["x"] = Ones([2], DType.Float32), ["y"] = "label" };
        Assert.That(Refused(() => Backend.Cast(data, "float64"), "data[\"y\"]").Message, Does.Contain("String"));
        var e = Assert.Catch<ArgumentException>(() => Backend.Cast(data, "complex64"))!;
        Assert.That(e.ParamName, Is.EqualTo("dtype"));
        var list = Assert.Catch<ArgumentException>(() => Backend.Cast(new List<object?> { Ones([2], DType.Float32), DateTime.UnixEpoch }, "float64"))!;
        Assert.That(list.ParamName, Is.EqualTo("data"));
        Assert.That(list.Message, Does.Contain("data[1]"));
    }

    /// <summary>ToType of one value that is none of a tensor, a .NET array of numbers or a number names what it may be,
    /// collections of them included (since session 52 ToType takes a list, tuple or set at the top, as FastEstimator's
    /// to_type does).</summary>
    [Test]
    public void ToTypeOfOneUnsupportedValueSaysWhatItMayBe()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.ToType("abc"))!;
        Assert.That(e.ParamName, Is.EqualTo("data"));
        Assert.That(e.Message, Does.StartWith("Argument `data` must hold tensors, .NET arrays of numbers or numbers, null, or dictionaries, lists, tuples and sets of them. Received: data is a String"));
    }

    /// <summary>An array of non-numbers is a list, converted leaf by leaf; with a shape it is refused in one message on
    /// every engine (each engine's FromArray refused it in its own words).</summary>
    [Test]
    public void AListGivenAShapeIsRefusedNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.ToTensor(new object[] { 1f, 2f }, engine, null, [2]))!;
        Assert.That(e.ParamName, Is.EqualTo("shape"));
        Assert.That(e.Message, Does.StartWith("Argument `shape` applies to an array of numbers only: `data` is a Object[], a list whose items are converted one by one."));
    }

    [Test]
    public void OtherArgumentsAreNamed()
    {
        Assert.That(Assert.Catch<ArgumentException>(() => Backend.ToTensor(new Dictionary<string, object?>(), "tensorflow"))!.ParamName, Is.EqualTo("targetType"));
        Assert.That(Assert.Catch<ArgumentException>(() => Backend.ToShape((1, 2, 3, 4, 5, 6, 7, 8)))!.Message, Does.Contain("at most 7 items"));
        Assert.Throws<ArgumentNullException>(() => Backend.ToType((IReadOnlyDictionary<string, object?>)null!));
    }
}
