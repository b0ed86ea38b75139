using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Edge cases where the engines disagreed with each other or with PyTorch/NumPy/Keras (found in session 48's review),
/// each pinned on every engine with the reference's value: reductions into an empty kept axis, integer-to-integer
/// casts, a number with a fraction meeting an integer tensor, negative whole powers of integers, a sum of bools,
/// NaN clip bounds, Lambert W at the top of the range, and maximum/minimum of signed zeros. Reference values printed
/// by PyTorch 1.13 and NumPy 1.24 (Debian's python3-torch, python3-numpy) unless stated.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FunctionEdgeCaseParityTests(ITensorEngine engine)
{
    /// <summary><c>torch.zeros(2, 0).sum(0)</c> has shape (0,); the channels-last engine divided by the zero length.</summary>
    [Test]
    public void ReducingIntoAnEmptyKeptAxisGivesAnEmptyResult(
        [Values("sum", "mean", "max", "min")] string op, [Values(DType.Float32, DType.Float64)] DType dtype)
    {
        foreach ((long[] shape, long[] expected) in new[] { (new long[] { 2, 0 }, new long[] { 0 }), (new long[] { 2, 0, 3 }, new long[] { 0, 3 }) })
        {
            object x = Backend.ToTensor(Array.Empty<double>(), engine, dtype, shape);
            object r = op switch
            {
                "sum" => Backend.ReduceSum(x, 0),
                "mean" => Backend.ReduceMean(x, 0),
                "max" => Backend.ReduceMax(x, 0),
                _ => Backend.ReduceMin(x, 0),
            };
            Assert.That(Backend.GetShape(r), Is.EqualTo(expected), $"{op} over axis 0 of {TensorInfo.FormatShape(shape)}");
        }
    }

    /// <summary>An empty axis list reduces nothing, as <c>tf.reduce_sum(x, axis=[])</c> and <c>np.sum(x, axis=())</c>:
    /// the values and shape come back as they were (FastEstimator's torch path, torch 1.13's <c>x.sum(dim=[])</c>, would
    /// sum every axis to 1.8; README, the Reduce row).</summary>
    [Test]
    public void AnEmptyAxisListReducesNothing([Values("sum", "mean", "max", "min", "std")] string op, [Values(DType.Float32, DType.Float64)] DType dtype)
    {
        double[] values = [0.1, -0.3, 0.7, 1.3];
        object x = Backend.ToTensor(values, engine, dtype, [2, 2]);
        object r = op switch
        {
            "sum" => Backend.ReduceSum(x, Array.Empty<int>()),
            "mean" => Backend.ReduceMean(x, Array.Empty<int>()),
            "max" => Backend.ReduceMax(x, Array.Empty<int>()),
            "min" => Backend.ReduceMin(x, Array.Empty<int>()),
            _ => Backend.ReduceStd(x, Array.Empty<int>()),
        };
        Assert.That(Backend.GetShape(r), Is.EqualTo(new long[] { 2, 2 }));
        double[] expected = op == "std" ? [0, 0, 0, 0] : values.Select(v => dtype == DType.Float32 ? (double)(float)v : v).ToArray();
        Assert.That(Backend.ToNumber<double>(r), Is.EqualTo(expected));
    }

    /// <summary>Integers narrow to their low bits: <c>np.array([5000000001, 3000000000, -1]).astype(np.int32)</c> →
    /// [705032705, -1294967296, -1]; to uint8 → [1, 0, 255]; to int16 → [-3583, 24064, -1]. The channels-last engine went
    /// through float64 and gave int32's minimum.</summary>
    [TestCase(DType.Int32, new[] { 705032705.0, -1294967296, -1 })]
    [TestCase(DType.UInt8, new[] { 1.0, 0, 255 })]
    [TestCase(DType.Int16, new[] { -3583.0, 24064, -1 })]
    public void IntegerToIntegerCastsKeepTheLowBits(DType to, double[] expected)
    {
        object x = Backend.ToTensor(new long[] { 5000000001, 3000000000, -1 }, engine);
        object y = Backend.Cast(x, to);
        Assert.That(Backend.ToType(y), Is.EqualTo(to));
        Assert.That(engine.ToDoubleArray(y, out _), Is.EqualTo(expected));
    }

    /// <summary><c>torch.tensor([3, 5], dtype=torch.int32) * 0.5</c> → float32 [1.5, 2.5] (Keras 3: float32 too); a whole
    /// number keeps the integer dtype (<c>* 2</c> → int32 [6, 10]). It truncated to int32 [1, 2] before.</summary>
    [Test]
    public void AnIntegerTensorMeetingANumberWithAFractionGivesFloat32()
    {
        object x = Backend.ToTensor(new[] { 3, 5 }, engine);
        (object Result, double[] Expected)[] cases =
        [
            (Backend.Multiply((object)x, 0.5), [1.5, 2.5]),
            (Backend.Add((object)x, 0.1), [(double)(3 + 0.1f), (double)(5 + 0.1f)]),
            (Backend.Subtract((object)x, 0.5), [2.5, 4.5]),
            (Backend.Pow((object)x, 0.5), [(double)MathF.Sqrt(3), (double)MathF.Sqrt(5)]),
        ];
        foreach ((object result, double[] expected) in cases)
        {
            Assert.That(Backend.ToType(result), Is.EqualTo(DType.Float32));
            Assert.That(engine.ToDoubleArray(result, out _), Is.EqualTo(expected).Within(1e-6));
        }
        object doubled = Backend.Multiply((object)x, 2.0);
        Assert.That(Backend.ToType(doubled), Is.EqualTo(DType.Int32));
        Assert.That(engine.ToDoubleArray(doubled, out _), Is.EqualTo(new[] { 6.0, 10 }));
    }

    /// <summary>Integer arithmetic that leaves the dtype wraps around, as NumPy, TensorFlow and libtorch compute it:
    /// <c>np.array([2147483647], np.int32) + np.int32(2)</c> → -2147483647; 65536·65537 in int32 → 65536;
    /// <c>np.array([1, 2, 2147483647], np.int32).sum(dtype=np.int32)</c> → -2147483646; int16 30000 + 30000 → -5536;
    /// uint8 200 + 100 → 44. Before, the float64 detour's cast gave the dtype's minimum for int32.</summary>
    [Test]
    public void IntegerArithmeticWrapsAround()
    {
        object big = Backend.ToTensor(new[] { int.MaxValue, 65536 }, engine);
        Assert.That(engine.ToDoubleArray(Backend.Add(big, Backend.ToTensor(new[] { 2, 0 }, engine)), out _), Is.EqualTo(new[] { -2147483647.0, 65536 }));
        Assert.That(engine.ToDoubleArray(Backend.Multiply(Backend.ToTensor(new[] { 65536 }, engine), Backend.ToTensor(new[] { 65537 }, engine)), out _),
            Is.EqualTo(new[] { 65536.0 }));
        object sum = Backend.ReduceSum(Backend.ToTensor(new[] { 1, 2, int.MaxValue }, engine));
        Assert.That(Backend.ToType(sum), Is.EqualTo(DType.Int32));
        Assert.That(engine.ToDoubleArray(sum, out _), Is.EqualTo(new[] { -2147483646.0 }));
        object shorts = Backend.ToTensor(new short[] { 30000 }, engine);
        Assert.That(engine.ToDoubleArray(Backend.Add(shorts, shorts), out _), Is.EqualTo(new[] { -5536.0 }));
        object bytes = Backend.ToTensor(new byte[] { 200 }, engine);
        Assert.That(engine.ToDoubleArray(Backend.Add(bytes, Backend.ToTensor(new byte[] { 100 }, engine)), out _), Is.EqualTo(new[] { 44.0 }));
        Assert.That(engine.ToDoubleArray(Backend.Add(big, 2.0), out _), Is.EqualTo(new[] { -2147483647.0, 65538 }), "a whole number operand");
    }

    /// <summary><c>torch.tensor([2, 1]) ** -1</c> raises "Integers to negative integer powers are not allowed" (NumPy
    /// too); a float64 detour gave [0, 1].</summary>
    [Test]
    public void NegativeWholePowersOfIntegersAreRefused()
    {
        object x = Backend.ToTensor(new[] { 2, 1 }, engine);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Pow((object)x, -1.0));
        Assert.That(e!.ParamName, Is.EqualTo("power"));
        Assert.That(e.Message, Does.Contain("Backend.Cast"));
        object floats = Backend.Pow(Backend.Cast(x, DType.Float32), -1.0);
        Assert.That(engine.ToDoubleArray(floats, out _), Is.EqualTo(new[] { 0.5, 1 }));
    }

    /// <summary>Keras 3's <c>ops.sum</c> counts bools in int32: [true, true, false] → 2 (it returned true).</summary>
    [Test]
    public void ASumOfBoolsCountsThem()
    {
        object mask = Backend.ToTensor(new[] { true, true, false, true }, engine);
        object count = Backend.ReduceSum(mask);
        Assert.That(Backend.ToType(count), Is.EqualTo(DType.Int32));
        Assert.That(engine.ToDoubleArray(count, out _), Is.EqualTo(new[] { 3.0 }));
    }

    /// <summary>A NaN bound is refused naming the public argument (PyTorch's <c>torch.clamp</c> with a number and
    /// <c>np.clip</c> ignore a NaN bound, a NaN tensor bound gives NaN everywhere: there is no one answer to copy).</summary>
    [Test]
    public void ANaNClipBoundIsRefusedNamingIt()
    {
        object x = Backend.ToTensor(new[] { 0.5, 2 }, engine, DType.Float32, [2]);
        Assert.That(Assert.Throws<ArgumentException>(() => Backend.ClipByValue(x, double.NaN, 1))!.ParamName, Is.EqualTo("minValue"));
        Assert.That(Assert.Throws<ArgumentException>(() => Backend.ClipByValue(x, 0, double.NaN))!.ParamName, Is.EqualTo("maxValue"));
    }

    /// <summary>W at the top of the range (mpmath: W(1.7976931348623157e308) = 703.22703310477, W(1e308) =
    /// 702.641362034107) and W(+∞) = +∞ (SciPy). The channels-last log1p overflowed in log(1 + x)·x.</summary>
    [Test]
    public void LambertWIsFiniteAtTheLargestDoublesAndInfiniteAtInfinity()
    {
        object x = Backend.ToTensor(new[] { double.MaxValue, 1e308, double.PositiveInfinity }, engine, DType.Float64, [3]);
        double[] w = engine.ToDoubleArray(Backend.LambertW(x), out _);
        Assert.That(w[0], Is.EqualTo(703.22703310477).Within(1e-9));
        Assert.That(w[1], Is.EqualTo(702.641362034107).Within(1e-9));
        Assert.That(w[2], Is.EqualTo(double.PositiveInfinity));
    }

    /// <summary><c>torch.maximum(torch.tensor([-0., 0.]), torch.tensor([0., -0.]))</c> → [-0., 0.] and
    /// <c>torch.minimum</c> of the same → [-0., 0.]: a tie keeps the first operand (TensorFlow's Maximum too); NaN
    /// propagates. Bits compared, every float dtype the engines compute in, broadcast scalars on either side. Five
    /// values stay in libtorch's scalar loop: its vectorised loop keeps the second operand's zero (the same pairs repeated
    /// to 8 float64 values give [0., -0., …] in PyTorch 1.13 and on the torch engine), so the README leaves the sign of a
    /// zero tie unspecified.</summary>
    [Test]
    public void MaximumAndMinimumKeepTheFirstOperandOnATie([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        object a = Backend.ToTensor(new[] { -0.0, 0.0, double.NaN, 1, -0.0 }, engine, dtype, [5]);
        object b = Backend.ToTensor(new[] { 0.0, -0.0, 1, double.NaN, -0.0 }, engine, dtype, [5]);
        AssertBits(Backend.Maximum(a, b), [-0.0, 0.0, double.NaN, double.NaN, -0.0], "maximum");
        AssertBits(Backend.Minimum(a, b), [-0.0, 0.0, double.NaN, double.NaN, -0.0], "minimum");
        object zero = Backend.ToTensor(new[] { 0.0 }, engine, dtype, [1]);
        AssertBits(Backend.Maximum(a, zero), [-0.0, 0.0, double.NaN, 1, -0.0], "maximum(a, +0)");
        AssertBits(Backend.Maximum(zero, a), [0.0, 0.0, double.NaN, 1, 0.0], "maximum(+0, a)");
    }

    /// <summary><c>torch.clamp(torch.tensor([-0., 0., -1., 2.]), min=0., max=1.)</c> → [-0., 0., 0., 1.]: a tie keeps x
    /// (TensorFlow's clip_by_value too); the channels-last engine's IEEE maximum gave +0 for −0.</summary>
    [Test]
    public void ClipByValueKeepsMinusZeroAtAZeroBound([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        object x = Backend.ToTensor(new[] { -0.0, 0.0, -1, 2, double.NaN }, engine, dtype, [5]);
        AssertBits(Backend.ClipByValue(x, 0, 1), [-0.0, 0.0, 0, 1, double.NaN], "clip to [0, 1]");
    }

    /// <summary><c>torch.index_select(x, 0, torch.tensor([True, False, True]))</c> raises ("Expected dtype int32/int64
    /// for index"), tf.gather too; taken as 0/1 the mask picked rows 1, 0, 1.</summary>
    [Test]
    public void BoolIndicesAreRefusedNamingIndices()
    {
        object x = Backend.ToTensor(new[] { 0.0, 1, 2, 3, 4, 5 }, engine, DType.Float32, [3, 2]);
        object mask = Backend.ToTensor(new[] { true, false, true }, engine);
        Assert.That(Assert.Throws<ArgumentException>(() => Backend.Gather(x, mask))!.ParamName, Is.EqualTo("indices"));
        Assert.That(Assert.Throws<ArgumentException>(() => Backend.GatherFromBatch(x, mask))!.ParamName, Is.EqualTo("indices"));
    }

    private void AssertBits(object tensor, double[] expected, string what)
    {
        double[] actual = engine.ToDoubleArray(tensor, out _);
        string[] wrong = Enumerable.Range(0, expected.Length)
            .Where(i => !(double.IsNaN(expected[i]) && double.IsNaN(actual[i]))
                        && BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            .Select(i => $"[{i}] {actual[i]:R}, expected {expected[i]:R}").ToArray();
        Assert.That(wrong, Is.Empty, what);
    }
}
