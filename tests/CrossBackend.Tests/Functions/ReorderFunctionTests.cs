using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Flip and roll (now one general op each) on every engine against an index-mapping reference written here, over
/// axes at every position, several axes at once, shifts beyond the length and negative, and integer dtypes; the
/// population variance behind <see cref="Backend.ReduceStd{T}(T, int[], bool)"/> on edge rows (one element, NaN).
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class ReorderFunctionTests(ITensorEngine engine)
{
    private static readonly long[] Shape = [3, 4, 5];
    private static readonly double[] Data = Enumerable.Range(0, 60).Select(i => Math.Round(Math.Cos(i * 0.7) * 3.1 + 0.1, 6)).ToArray();

    private double[] Read(object t, out long[] shape) => engine.ToDoubleArray(t, out shape);

    /// <summary>result[i] = x[source(i)] with source_d(i) = n−1−i (flip) or (i − shift) mod n (roll), in float64.</summary>
    private static double[] Reference(double[] x, long[] shape, int[] axes, long[]? shifts)
    {
        var result = new double[x.Length];
        int rank = shape.Length;
        for (int flat = 0; flat < x.Length; flat++)
        {
            var c = new long[rank];
            for (int d = rank - 1, rest = flat; d >= 0; d--) { c[d] = rest % shape[d]; rest /= (int)shape[d]; }
            for (int k = 0; k < axes.Length; k++)
            {
                int d = axes[k] < 0 ? axes[k] + rank : axes[k];
                long n = shape[d];
                c[d] = shifts is null ? n - 1 - c[d] : (((c[d] - shifts[k]) % n) + n) % n;
            }
            long source = 0;
            for (int d = 0; d < rank; d++) source = source * shape[d] + c[d];
            result[flat] = x[source];
        }
        return result;
    }

    public static IEnumerable<TestCaseData> FlipCases() =>
        new int[][] { [0], [1], [2], [-1], [0, 2], [2, 0, 1], [] }.SelectMany(a =>
            new[] { DType.Float32, DType.Float64, DType.Int64 }.Select(d => new TestCaseData(a, d).SetArgDisplayNames($"[{string.Join(",", a)}]", d.Name())));

    [TestCaseSource(nameof(FlipCases))]
    public void FlipMatchesTheIndexMapping(int[] axes, DType dtype)
    {
        double[] held = engine.ToDoubleArray(engine.Cast(Backend.ToTensor(Data, engine, DType.Float64, Shape), dtype), out _);
        object x = Backend.ToTensor(held, engine, dtype, Shape);
        object y = Backend.Flip(x, axes);
        Assert.That(Backend.ToType(y), Is.EqualTo(dtype));
        Assert.That(Read(y, out long[] shape), Is.EqualTo(Reference(held, Shape, axes, null)));
        Assert.That(shape, Is.EqualTo(Shape));
    }

    public static IEnumerable<TestCaseData> LongRowFlipCases() =>
        new (long[] Shape, int[] Axes)[] { ([3, 37], [-1]), ([2, 3, 70], [-1]), ([2, 3, 70], [0, 2]), ([5, 1], [1]), ([4, 16], [1]), ([2, 9], [1]) }
            .SelectMany(c => new[] { DType.Float32, DType.Float64 }.Select(d =>
                new TestCaseData(c.Shape, c.Axes, d).SetArgDisplayNames($"[{string.Join(",", c.Shape)}]", $"axes=[{string.Join(",", c.Axes)}]", d.Name())));

    /// <summary>Rows long enough for the engines' vector paths (a reversed copy of 4, 8 or 16 elements at a time), with
    /// the tails after the last whole vector.</summary>
    [TestCaseSource(nameof(LongRowFlipCases))]
    public void FlipOfLongRowsMatchesTheIndexMapping(long[] shape, int[] axes, DType dtype)
    {
        double[] data = Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => Math.Round(Math.Sin(i * 0.3) * 7.1, 3)).ToArray();
        object x = Backend.ToTensor(data, engine, dtype, shape);
        double[] held = Read(x, out _);
        Assert.That(Read(Backend.Flip(x, axes), out long[] resultShape), Is.EqualTo(Reference(held, shape, axes, null)));
        Assert.That(resultShape, Is.EqualTo(shape));
    }

    public static IEnumerable<TestCaseData> RollCases()
    {
        (int[] Axes, long[] Shifts)[] cases =
        [
            ([0], [1]), ([1], [-1]), ([2], [7]), ([-1], [-12]), ([0, 2], [2, -3]), ([2, 1, 0], [1, 2, 3]), ([1], [0]), ([1], [4]),
        ];
        foreach ((int[] a, long[] s) in cases)
            foreach (DType d in new[] { DType.Float32, DType.Float64, DType.Int32 })
                yield return new TestCaseData(a, s, d).SetArgDisplayNames($"axes=[{string.Join(",", a)}]", $"shifts=[{string.Join(",", s)}]", d.Name());
    }

    [TestCaseSource(nameof(RollCases))]
    public void RollMatchesTheIndexMapping(int[] axes, long[] shifts, DType dtype)
    {
        double[] held = engine.ToDoubleArray(engine.Cast(Backend.ToTensor(Data, engine, DType.Float64, Shape), dtype), out _);
        object x = Backend.ToTensor(held, engine, dtype, Shape);
        object y = Backend.Roll(x, shifts.Select(s => (int)s).ToArray(), axes);
        Assert.That(Backend.ToType(y), Is.EqualTo(dtype));
        Assert.That(Read(y, out long[] shape), Is.EqualTo(Reference(held, Shape, axes, shifts)));
        Assert.That(shape, Is.EqualTo(Shape));
    }

    [Test]
    public void ARepeatedRollAxisRollsByTheSumOfItsShifts()
    {
        object x = Backend.ToTensor(Data, engine, DType.Float64, Shape);
        double[] twice = Read(Backend.Roll(x, [2, 1], [1, -2]), out _);
        Assert.That(twice, Is.EqualTo(Reference(Data, Shape, [1], [3])));
    }

    [Test]
    public void FlipRefusesARepeatedAxisByName()
    {
        object x = Backend.ToTensor(Data, engine, DType.Float32, Shape);
        var e = Assert.Throws<ArgumentException>(() => Backend.Flip(x, [1, -2]));
        Assert.That(e!.ParamName, Is.EqualTo("axis"));
        Assert.That(e.Message, Does.Contain("axis=[1, -2]"));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Roll(x, 1, 3));
        Assert.That(range!.ParamName, Is.EqualTo("axis"));
    }

    [Test]
    public void ReduceStdOfOneElementIsZeroAndOfANaNRowIsNaN([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        object x = Backend.ToTensor(new[] { 0.1, double.NaN, 0.3, 0.7, 0.2, 0.9 }, engine, dtype, [2, 3]);
        double[] rows = Read(Backend.ReduceStd(x, 1), out _);
        Assert.That(double.IsNaN(rows[0]), "a NaN in the row makes its std NaN");
        double[] r = [0.7, 0.2, 0.9];
        if (dtype == DType.Float32) r = r.Select(v => (double)(float)v).ToArray();
        double mean = r.Average();
        Assert.That(rows[1], Is.EqualTo(Math.Sqrt(r.Sum(v => (v - mean) * (v - mean)) / 3)).Within(dtype == DType.Float32 ? 1e-7 : 1e-15));
        object single = Backend.ToTensor(new[] { 0.3, 0.1 }, engine, dtype, [2, 1]);
        Assert.That(Read(Backend.ReduceStd(single, 1), out _), Is.EqualTo(new[] { 0.0, 0.0 }));
    }
}
