using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// <c>ToType</c> of a list, tuple or set at the top, as FastEstimator's <c>to_type</c> recurses through dict, list,
/// tuple and set (<c>fastestimator/backend/_to_type.py</c>): the same structure back with each leaf's dtype, on every
/// engine. Before session 52 only a dictionary was taken at the top ("pass a dictionary"), so the natural chain
/// <c>Backend.ToType(Backend.ToTensor(list, ...))</c> was refused.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ToTypeOfCollectionsTests(ITensorEngine engine)
{
    private object Ones(DType dtype, params long[] shape) =>
        FunctionExamples.T(engine, Enumerable.Repeat(1.0, (int)Shapes.Count(shape)).ToArray(), shape, dtype);

    [Test]
    public void AListGivesAListOfDTypes()
    {
        // FE: to_type([np.ones(4, "int8"), {"k": np.ones((2, 2), "float64")}]) → [dtype('int8'), {'k': dtype('float64')}]
        object types = Backend.ToType(new List<object?> { Ones(DType.Int8, 4), new Dictionary<string, object?> { ["k"] = Ones(DType.Float64, 2, 2) }, null });
        Assert.That(types, Is.InstanceOf<List<object?>>());
        var list = (List<object?>)types;
        Assert.That(list[0], Is.EqualTo(DType.Int8));
        Assert.That(list[1], Is.EqualTo(new Dictionary<string, object?> { ["k"] = DType.Float64 }));
        Assert.That(list[2], Is.Null, "null stays null inside a collection");
    }

    [Test]
    public void ATupleGivesATupleAndASetASet()
    {
        var tuple = ((object?, object?))Backend.ToType((Ones(DType.Float32, 3), new float[2, 2]));
        Assert.That(tuple, Is.EqualTo(((object?)DType.Float32, (object?)DType.Float32)));
        var reference = (Tuple<object?, object?>)Backend.ToType(Tuple.Create<object, object>(Ones(DType.Int64, 1), 5));
        Assert.That(reference, Is.EqualTo(Tuple.Create<object?, object?>(DType.Int64, DType.Int32)));
        // FE: to_type({np.int16(1), np.float32(2)}) is a set of both dtypes.
        var set = (HashSet<object?>)Backend.ToType(new HashSet<object> { Ones(DType.Int16, 2), Ones(DType.Float32, 2) });
        Assert.That(set, Is.EquivalentTo(new object[] { DType.Int16, DType.Float32 }));
        var array = (object?[])Backend.ToType(new object[] { Ones(DType.Bool, 2) });
        Assert.That(array, Is.EqualTo(new object[] { DType.Bool }));
    }

    /// <summary>A batch made by <c>ToTensor</c> (typed <c>object</c>) goes straight into <c>ToType</c>.</summary>
    [Test]
    public void TheResultOfToTensorOfAListIsTyped()
    {
        object? batch = Backend.ToTensor(new List<object?> { new int[2, 3], (new float[4], new double[1]) }, engine.Name);
        var types = (List<object?>)Backend.ToType(batch!);
        Assert.That(types[0], Is.EqualTo(DType.Int32));
        Assert.That(types[1], Is.EqualTo(((object?)DType.Float32, (object?)DType.Float64)));
        Assert.That(Backend.ToType(Ones(DType.Float16, 2)), Is.EqualTo(DType.Float16), "one tensor still gives its DType");
    }

    [Test]
    public void ALeafThatIsNoneOfThoseIsRefusedWithItsPath()
    {
        var e = Assert.Throws<ArgumentException>(() => Backend.ToType(new List<object?> { Ones(DType.Float32, 1), ("a", 2) }))!;
        Assert.That(e.ParamName, Is.EqualTo("data"));
        Assert.That(e.Message, Does.Contain("data[1].Item1 is a String"));
    }
}
