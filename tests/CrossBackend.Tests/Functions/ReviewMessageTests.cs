using System.Numerics.Tensors;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Findings of a user review of the error messages, on every engine: a null second tensor is named by its public
/// argument, an empty volume is refused before any engine code runs, a tensor of another engine gets
/// <c>Backend.ToTensor</c> as its fix (with the channel move only where a channel axis can matter), a metric's integer
/// option may arrive as a whole double (as JSON gives it), and unsigned host arrays are widened exactly.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReviewMessageTests(ITensorEngine engine)
{
    private object X(params long[] shape) => ArgumentTests.Ramp(engine, shape);

    private static void NamesNull(string argument, TestDelegate call)
    {
        var e = Assert.Throws<ArgumentNullException>(call)!;
        Assert.That(e.ParamName, Is.EqualTo(argument));
        Assert.That(e.Message, Does.Contain($"Argument `{argument}` must be a tensor. Received: {argument}=null"));
    }

    /// <summary>torch threw NullReferenceException; the channels-last engine named its own parameter `x`.</summary>
    [Test]
    public void ANullSecondTensorIsNamedByItsPublicArgument()
    {
        object x = X(2, 2);
        NamesNull("indices", () => Backend.Gather<object>(x, null!));
        NamesNull("indices", () => Backend.GatherFromBatch<object>(x, null!));
        NamesNull("tensors[1]", () => Backend.Concat<object>([x, null!], 0));
        NamesNull("tensor2", () => Backend.Maximum<object>(x, null!));
        NamesNull("tensor2", () => Backend.Minimum<object>(x, null!));
        NamesNull("b", () => Backend.Add<object>(x, null!));
        NamesNull("b", () => Backend.Subtract<object>(x, null!));
        NamesNull("b", () => Backend.Multiply<object>(x, null!));
        NamesNull("b", () => Backend.Divide<object>(x, null!));
        NamesNull("b", () => Backend.MatMul<object>(x, null!));
        NamesNull("power", () => Backend.Pow<object>(x, (object)null!));
        NamesNull("no", () => Backend.Where<object>(x, x, null!));
        NamesNull("condition", () => Backend.Where<object>(null!, x, x));
        NamesNull("condition", () => Backend.Where<object>(null!, x, 0.0));
        NamesNull("tensor", () => Backend.Gather<object>(null!, x));
    }

    /// <summary>PyTorch's interpolate refuses an empty volume ("Input and output sizes should be greater than 0");
    /// torch threw libtorch's index_select error with a native stack trace, the channels-last engine
    /// "indices[0]=-1 (positions along axis 2 of `x`)". An empty batch gives an empty result, as in PyTorch.</summary>
    [TestCase(0, 2, 2)]
    [TestCase(2, 0, 2)]
    [TestCase(2, 2, 0)]
    public void Resize3DRefusesAnEmptyVolumeByName(int d, int h, int w)
    {
        long[] shape = engine.ClassAxis == -1 ? [1, d, h, w, 1] : [1, 1, d, h, w];
        object empty = FunctionExamples.T(engine, [], shape, DType.Float32);
        foreach (string mode in new[] { "nearest", "area" })
        {
            var e = Assert.Throws<ArgumentException>(() => Backend.Resize3D<object>(empty, [2, 2, 2], mode))!;
            Assert.That(e.ParamName, Is.EqualTo("tensor"), mode);
            Assert.That(e.Message, Does.Contain("Argument `tensor` must have non-empty depth, height and width").And.Contain("tensor.shape="), mode);
        }
        object noBatch = FunctionExamples.T(engine, [], engine.ClassAxis == -1 ? [0, 2, 2, 2, 1] : [0, 1, 2, 2, 2], DType.Float32);
        Assert.That(engine.Describe(Backend.Resize3D<object>(noBatch, [3, 3, 3])).Shape,
            Is.EqualTo(engine.ClassAxis == -1 ? new long[] { 0, 3, 3, 3, 1 } : [0, 1, 3, 3, 3]));
    }

    /// <summary>The fix for a tensor of another engine is Backend.ToTensor; the channel move is added only for rank ≥
    /// 3 (and following the message works), never for an index tensor or a condition. It recommended
    /// NpyArray.FromTensor(b).ToTensor(..., fromChannelsLast: true) or MoveAxis(..., 1, -1) for 1-D indices.</summary>
    [Test]
    public void ATensorOfAnotherEngineIsCopiedWithBackendToTensor()
    {
        ITensorEngine? other = TensorEngines.All.FirstOrDefault(e => e != engine);
        if (other is null) Assert.Ignore("Only one engine was found.");
        string target = $"TensorEngines.Named(\"{engine.Name}\")";

        object indices = Backend.ToTensor(new long[] { 1, 0 }, other!);
        var e = Assert.Throws<ArgumentException>(() => Backend.Gather<object>(X(2, 2), indices))!;
        Assert.That(e.ParamName, Is.EqualTo("indices"));
        Assert.That(e.Message, Does.Contain($"`Backend.ToTensor(indices, {target})`").And.Not.Contain("MoveAxis").And.Not.Contain("fromChannelsLast"));
        double[] gathered = engine.ToDoubleArray(Backend.Gather<object>(X(2, 2), Backend.ToTensor(indices, engine)), out _);
        Assert.That(gathered, Is.EqualTo(new[] { 0.2, 0.3, 0.0, 0.1 }).Within(1e-6));

        object condition = Backend.ToTensor(new bool[] { true, false }, other!);
        e = Assert.Throws<ArgumentException>(() => Backend.Where<object>(condition, X(2), X(2)))!;
        Assert.That(e.ParamName, Is.EqualTo("condition"));
        Assert.That(e.Message, Does.Contain($"`Backend.ToTensor(condition, {target})`").And.Not.Contain("MoveAxis"));

        object image = new EngineHarness(other!).Tensor(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), [1, 2, 2, 3], DType.Float32);
        e = Assert.Throws<ArgumentException>(() => Backend.Maximum<object>(engine.FromChannelsLast(new float[12], [1, 2, 2, 3]), image))!;
        Assert.That(e.Message, Does.Contain($"`Backend.ToTensor(tensor2, {target})`"));
        bool layoutsDiffer = (engine.ClassAxis < 0) != (other!.ClassAxis < 0);
        Assert.That(e.Message.Contains(".MoveAxis(Backend.ToTensor(tensor2"), Is.EqualTo(layoutsDiffer), e.Message);
        var move = System.Text.RegularExpressions.Regex.Match(e.Message, @"\.MoveAxis\(Backend\.ToTensor.*?\), (-?\d+), (-?\d+)\)");
        object copied = Backend.ToTensor(image, engine);
        if (move.Success) copied = engine.MoveAxis(copied, int.Parse(move.Groups[1].Value), int.Parse(move.Groups[2].Value));
        object channelsLast = engine.ClassAxis == -1 ? copied : engine.MoveAxis(copied, engine.ClassAxis, -1);
        Assert.That(engine.ToDoubleArray(channelsLast, out _), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (double)i).ToArray()),
            "following the message gives the image in this engine's layout");
    }

    /// <summary>Values read from JSON arrive as doubles: k = 2.0 is k = 2 (it was refused with "k=2 (Double)"); 2.5 is
    /// still refused, by name.</summary>
    [Test]
    public void AMetricsIntegerOptionAcceptsAWholeDouble()
    {
        object pred = FunctionExamples.T(engine, [0.1, 0.5, 0.4, 0.6, 0.3, 0.1], [2, 3], DType.Float32);
        object labels = FunctionExamples.T(engine, [0, 0, 1, 0, 1, 0], [2, 3], DType.Float32);
        double[] expected = engine.ToDoubleArray(Metrics.Compute("top_k_categorical_accuracy", pred, labels, new Dictionary<string, object?> { ["k"] = 2 }), out _);
        foreach (object k in new object[] { 2.0, 2.0f, 2L })
            Assert.That(engine.ToDoubleArray(Metrics.Compute("top_k_categorical_accuracy", pred, labels, new Dictionary<string, object?> { ["k"] = k }), out _),
                Is.EqualTo(expected), $"k={k} ({k.GetType().Name})");
        foreach (object k in new object[] { 2.5, double.NaN, 1e12 })
        {
            var e = Assert.Catch<ArgumentException>(() => Metrics.Compute("top_k_categorical_accuracy", pred, labels, new Dictionary<string, object?> { ["k"] = k }))!;
            Assert.That(e.ParamName, Is.EqualTo("k"));
            Assert.That(e.Message, Does.Contain("Argument `k` must be an integer").And.Contain("Received: k="));
        }
        var wrong = Assert.Catch<ArgumentException>(() => Metrics.Compute("top_k_categorical_accuracy", pred, labels, new Dictionary<string, object?> { ["k"] = "2" }))!;
        Assert.That(wrong.Message, Does.Contain("Argument `k` must be an integer. Received: k=2 (String)"));
    }

    /// <summary>The runtime lets uint[] pass as int[] (ushort[] as short[], ulong[] as long[]): 4000000000 became
    /// int32 −294967296 on both engines, and ushort 65535 int16 −1 on the channels-last one while torch refused it.
    /// Now they are widened exactly: ushort → int32, uint → int64, ulong → int64 when it fits.</summary>
    [Test]
    public void UnsignedArraysAreWidenedExactly()
    {
        void Check(Array data, DType dtype, double[] values)
        {
            object[] made = data.Rank == 1 ? [Backend.ToTensor(data, engine), engine.FromArray(data, [data.Length])] : [Backend.ToTensor(data, engine)];
            foreach (object t in made)
            {
                Assert.That(engine.Describe(t).DType, Is.EqualTo(dtype), data.GetType().Name);
                Assert.That(engine.ToDoubleArray(t, out _), Is.EqualTo(values), data.GetType().Name);
            }
        }
        Check(new ushort[] { 65535, 0, 7 }, DType.Int32, [65535, 0, 7]);
        Check(new uint[] { 4000000000, 1 }, DType.Int64, [4000000000, 1]);
        Check(new ulong[] { 9000000000000000000, 3 }, DType.Int64, [9000000000000000000, 3]);
        Check(new ushort[,] { { 1, 65535 } }, DType.Int32, [1, 65535]);
        Assert.That(engine.Describe(Backend.ToTensor(new uint[,] { { 1, 2 }, { 3, 4 } }, engine)).Shape, Is.EqualTo(new long[] { 2, 2 }));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.ToTensor(new ulong[] { 1, ulong.MaxValue }, engine))!;
        Assert.That(e.ParamName, Is.EqualTo("data"));
        Assert.That(e.Message, Does.Contain("Argument `data` must hold values that fit int64").And.Contain("data[1]=18446744073709551615"));
    }
}
