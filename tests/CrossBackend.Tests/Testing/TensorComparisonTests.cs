using System.Globalization;
using System.Text.Json;
using CrossBackend.IO;
using CrossBackend.Testing;
using static CrossBackend.Tests.Testing.TorchData;

namespace CrossBackend.Tests.Testing;

/// <summary>
/// The report of <see cref="TensorComparison"/>: its numbers against real <c>torch.testing.assert_close</c>
/// (data/torch_messages.json, made by data/make_data.py) and against an independent computation here, for rank 0,
/// rank 4, empty tensors, NaN and ±Inf, on .NET arrays and on every engine's tensors.
/// </summary>
public sealed class TensorComparisonTests
{

    /// <summary>A case's values as NumPy/PyTorch held them, in an array of the dtype named (Python reprs: "nan",
    /// "True", "-9223372036854775808").</summary>
    private static NpyArray Values(JsonElement c, string side, long[] shape)
    {
        string[] text = c.GetProperty(side).EnumerateArray().Select(v => v.GetString()!).ToArray();
        Array data = c.GetProperty(side + "_dtype").GetString() switch
        {
            "float64" => text.Select(ParsePython).ToArray(),
            "float32" => text.Select(t => (float)ParsePython(t)).ToArray(),
            "float16" => text.Select(t => (Half)ParsePython(t)).ToArray(),
            "int64" => text.Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
            "uint8" => text.Select(t => byte.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
            "bool" => text.Select(t => t == "True").ToArray(),
            var other => throw new InvalidDataException($"no reader for dtype {other} in torch_messages.json"),
        };
        return new NpyArray(data, shape);
    }

    public static IEnumerable<TestCaseData> TorchCases()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Data("torch_messages.json")));
        foreach (JsonElement c in doc.RootElement.EnumerateArray())
        {
            long[] shape = c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            double? Tol(string name) => c.GetProperty(name).ValueKind == JsonValueKind.Null ? null : c.GetProperty(name).GetDouble();
            yield return new TestCaseData(Values(c, "actual", shape), Values(c, "expected", shape), Tol("rtol"), Tol("atol"),
                c.GetProperty("equal_nan").GetBoolean(), c.GetProperty("message").GetString()).SetArgDisplayNames(c.GetProperty("name").GetString()!);
        }
    }

    /// <summary>Same verdict and, line for line, the same report as PyTorch 1.13 (<c>check_dtype=False</c>, its
    /// default tolerances where the case gives none); only the heading differs ("Tensors" for "Tensor-likes", no
    /// blank line after it). Covers 0-d values (torch's scalar report), a difference that overflows to inf, integer,
    /// uint8 and bool tensors, mixed dtypes and the percentage's rounding (5 / 16 is 31.2%, half to even).</summary>
    [TestCaseSource(nameof(TorchCases))]
    public void ReportMatchesTorchTesting(NpyArray actual, NpyArray expected, double? rtol, double? atol, bool equalNan, string torchMessage)
    {
        TensorComparison c = TensorComparison.Compare(actual, expected, rtol, atol, equalNan, tolerances: ToleranceTable.TorchTesting);
        string expectedMessage = System.Text.RegularExpressions.Regex.Replace(torchMessage,
            @"^(Tensor-likes|Scalars) are not (close|equal)!\n\n", m => $"{(m.Groups[1].Value == "Scalars" ? "Scalars" : "Tensors")} are not {m.Groups[2].Value}!\n");
        Assert.That(c.IsClose, Is.EqualTo(torchMessage == ""));
        Assert.That(c.Message, Is.EqualTo(expectedMessage));
    }

    [Test]
    public void TheIssueExampleWithTorchTestingDefaultsOnEveryEngine()
    {
        float[] expected = [1, 2, 3, 4, 5, 5];
        float[] actual = [1, 2, 3, 4, 5, 5.5f];
        const string report = "Tensors are not close!\n" +
                              "Mismatched elements: 1 / 6 (16.7%)\n" +
                              "Greatest absolute difference: 0.5 at index (1, 2) (up to 1e-05 allowed)\n" +
                              "Greatest relative difference: 0.1 at index (1, 2) (up to 1.3e-06 allowed)";
        foreach (ITensorEngine a in TensorEngines.All)
        foreach (ITensorEngine e in TensorEngines.All)
        {
            TensorComparison c = TensorComparison.Compare(a.FromArray(actual, [2, 3]), e.FromArray(expected, [2, 3]),
                tolerances: ToleranceTable.TorchTesting);
            Assert.That(c.Message, Is.EqualTo(report), $"{a.Name} vs {e.Name}");
        }
    }

    [Test]
    public void DefaultTableIsOursAndTakesTheLooserDType()
    {
        TensorComparison c = TensorComparison.Compare(new[] { 1f, 2.5f }, new[] { 1.0, 2.0 });
        Assert.That(c.Tolerance, Is.EqualTo(new CrossBackend.Testing.Tolerance(1e-5, 1e-6)), "float32 vs float64 is judged as float32");
        Assert.That(c.Message, Does.EndWith("(up to 1e-06 allowed)\nGreatest relative difference: 0.25 at index (1,) (up to 1e-05 allowed)"));
        Assert.That(TensorComparison.Compare(new[] { 1.0 }, new[] { 1.0 }).Tolerance, Is.EqualTo(new CrossBackend.Testing.Tolerance(1e-12, 1e-14)));
        Assert.That(TensorComparison.Compare(new[] { (Half)1 }, new[] { 1.0 }).Tolerance, Is.EqualTo(new CrossBackend.Testing.Tolerance(1e-3, 1e-5)));
        Assert.That(ToleranceTable.Default.For(DType.BFloat16), Is.EqualTo(new CrossBackend.Testing.Tolerance(8e-3, 1e-5)));
        Assert.That(ToleranceTable.TorchTesting.For(DType.BFloat16), Is.EqualTo(new CrossBackend.Testing.Tolerance(1.6e-2, 1e-5)));
        Assert.That(ToleranceTable.TorchTesting.For(DType.Float64), Is.EqualTo(new CrossBackend.Testing.Tolerance(1e-7, 1e-7)));
        Assert.That(ToleranceTable.Default.For(DType.Int64), Is.EqualTo(CrossBackend.Testing.Tolerance.Exact));
    }

    /// <summary>Seeded random rank-3 data with perturbations of several sizes, NaN and ±Inf; the count, the
    /// greatest differences and their indices are recomputed here by brute force (no shared code).</summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void NumbersMatchAnIndependentComputation(int seed)
    {
        var random = new Random(seed);
        long[] shape = [3, 4, 5];
        int n = 60;
        double[] expected = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        double[] actual = expected.Select(v => random.Next(4) switch
        {
            0 => v,
            1 => v + 1e-7 * random.NextDouble(),
            2 => v + (random.NextDouble() - 0.5) * 1e-3,
            _ => v * (1 + random.NextDouble()),
        }).ToArray();
        actual[7] = double.NaN;
        expected[11] = double.PositiveInfinity;
        actual[11] = double.PositiveInfinity;          // same Inf: close
        expected[13] = double.NegativeInfinity;
        actual[13] = double.PositiveInfinity;          // opposite Inf: mismatch
        expected[17] = 0;                               // relative difference inf if mismatched
        (double rtol, double atol) = (1e-4, 1e-6);

        TensorComparison c = TensorComparison.Compare(new NpyArray(actual, shape), new NpyArray(expected, shape), rtol, atol);

        bool[] bad = actual.Zip(expected, (a, e) =>
            !(a.Equals(e) || (double.IsFinite(a) && double.IsFinite(e) && Math.Abs(a - e) <= atol + rtol * Math.Abs(e)))).ToArray();
        int count = bad.Count(b => b);
        double Abs(int i) => Math.Abs(actual[i] - expected[i]);
        double Rel(int i) => Abs(i) / Math.Abs(expected[i]);
        int[] badAt = Enumerable.Range(0, n).Where(i => bad[i]).ToArray();
        // NaN counts as the greatest; the first index wins ties.
        int ArgMax(Func<int, double> f) => badAt.FirstOrDefault(i => double.IsNaN(f(i)), -1) is var nanAt and >= 0
            ? nanAt : badAt.First(i => f(i) == badAt.Max(f));
        int absAt = ArgMax(Abs), relAt = ArgMax(Rel);
        long[] Index(int flat) => [flat / 20, flat / 5 % 4, flat % 5];

        Assert.That(c.MismatchCount, Is.EqualTo(count));
        Assert.That(c.ElementCount, Is.EqualTo(n));
        Assert.That(c.GreatestAbsoluteDifferenceIndex, Is.EqualTo(Index(absAt)));
        Assert.That(c.GreatestRelativeDifferenceIndex, Is.EqualTo(Index(relAt)));
        Assert.That(c.GreatestAbsoluteDifference, Is.EqualTo(Abs(absAt)));
        Assert.That(c.GreatestRelativeDifference, Is.EqualTo(Rel(relAt)));
        Assert.That(c.Message.Split('\n')[1], Is.EqualTo(FormattableString.Invariant($"Mismatched elements: {count} / 60 ({100.0 * count / 60:F1}%)")));
        Assert.That(c.Message, Does.Contain($"at index ({absAt / 20}, {absAt / 5 % 4}, {absAt % 5}) (up to 1e-06 allowed)"));
        Assert.That(c.Message, Does.Contain($"at index ({relAt / 20}, {relAt / 5 % 4}, {relAt % 5}) (up to 0.0001 allowed)"));
    }

    /// <summary>A rank-0 value is reported as torch.testing reports a 0-d tensor (no count, no index):
    /// <c>torch.testing.assert_close(torch.tensor(2.5), torch.tensor(2.0), rtol=0.1, atol=0.01)</c> says
    /// "Scalars are not close!\n\nAbsolute difference: 0.5 (up to 0.01 allowed)\nRelative difference: 0.25 (up to 0.1 allowed)".</summary>
    [Test]
    public void RankZeroIsReportedAsTorchReportsScalars()
    {
        TensorComparison c = TensorComparison.Compare(2.5, 2.0, rtol: 0.1, atol: 0.01);
        Assert.That(c.Message, Is.EqualTo("Scalars are not close!\nAbsolute difference: 0.5 (up to 0.01 allowed)\n" +
                                          "Relative difference: 0.25 (up to 0.1 allowed)"));
        Assert.That((c.MismatchCount, c.ElementCount, c.GreatestAbsoluteDifferenceIndex), Is.EqualTo((1L, 1L, Array.Empty<long>())));
        Assert.That(TensorComparison.Compare(2.05, 2.0, rtol: 0.1, atol: 0.01).IsClose, Is.True, "0.05 <= 0.01 + 0.1*2");
        Assert.That(TensorComparison.Compare(double.NaN, 0.0).GreatestRelativeDifference, Is.EqualTo(double.PositiveInfinity),
            "torch: 'Relative difference: inf' for a NaN against 0");
    }

    /// <summary>|1e308 − (−1e308)| overflows to inf: a mismatch for any tolerance, as in torch.isclose (it was
    /// counted close once rtol·|expected| overflowed too).</summary>
    [Test]
    public void AnOverflowedDifferenceIsNeverClose()
    {
        TensorComparison c = TensorComparison.Compare(new[] { 1e308 }, new[] { -1e308 }, rtol: 10, atol: 0);
        Assert.That(c.IsClose, Is.False);
        Assert.That(c.Message, Does.Contain("Greatest absolute difference: inf at index (0,) (up to 0.0 allowed)"));
        Assert.That(TensorComparison.Compare(new[] { 1e308 }, new[] { 1e308 * (1 - 1e-15) }, rtol: 10, atol: 0).IsClose, Is.True);
    }

    /// <summary>On purpose unlike PyTorch 1.13, whose isclose converts integers to float32 when a tolerance is given
    /// (<c>torch.testing.assert_close(torch.tensor([100000001]), torch.tensor([100000000]), rtol=0.0, atol=0.5)</c>
    /// passes there): integers compare exactly against the bound, and their relative difference is taken in float64
    /// (torch prints 0.4000000059604645 for 2 / 5).</summary>
    [Test]
    public void IntegersWithATolerancesStayExact()
    {
        TensorComparison c = TensorComparison.Compare(new[] { 100000001L }, new[] { 100000000L }, rtol: 0, atol: 0.5);
        Assert.That(c.Message, Is.EqualTo("Tensors are not close!\nMismatched elements: 1 / 1 (100.0%)\n" +
                                          "Greatest absolute difference: 1 at index (0,) (up to 0.5 allowed)\n" +
                                          "Greatest relative difference: 1e-08 at index (0,) (up to 0.0 allowed)"));
        Assert.That(TensorComparison.Compare(new[] { 3L }, new[] { 5L }, rtol: 0.5, atol: 0).IsClose, Is.True, "2 <= 0.5 * 5");
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void RankFourEngineTensorsReportTheRightIndex(ITensorEngine engine)
    {
        long[] shape = [2, 3, 4, 5];
        double[] expected = Enumerable.Range(0, 120).Select(i => i * 0.01).ToArray();
        double[] actual = (double[])expected.Clone();
        actual[1 * 60 + 2 * 20 + 3 * 5 + 4] += 0.25;   // index (1, 2, 3, 4)
        actual[0 * 60 + 1 * 20 + 2 * 5 + 3] += 0.001;  // index (0, 1, 2, 3): relative 0.001 / 0.33, less than 0.25 / 1.19
        TensorComparison c = TensorComparison.Compare(engine.FromArray(actual, shape), expected);
        Assert.That(c.Mismatch, Is.EqualTo(TensorMismatch.Shape), "a flat double[] has shape (120,)");
        c = TensorComparison.Compare(engine.FromArray(actual, shape), new NpyArray(expected, shape));
        Assert.That(c.MismatchCount, Is.EqualTo(2));
        Assert.That(c.GreatestAbsoluteDifferenceIndex, Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(c.GreatestRelativeDifferenceIndex, Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(c.Message, Does.StartWith("Tensors are not close!\nMismatched elements: 2 / 120 (1.7%)\n"));
        Assert.That(c.Tolerance.Rtol, Is.EqualTo(1e-12), "float64 tensor against float64 data");
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void EmptyTensorsAreCloseWhenShapesMatch(ITensorEngine engine)
    {
        Assert.That(TensorComparison.Compare(engine.FromArray(Array.Empty<float>(), [0, 3]), new float[0, 3]).IsClose, Is.True);
        TensorComparison c = TensorComparison.Compare(engine.FromArray(Array.Empty<float>(), [0, 3]), new float[3, 0]);
        Assert.That(c.Mismatch, Is.EqualTo(TensorMismatch.Shape));
        Assert.That(c.Message, Does.Contain("The shapes do not match: actual (0, 3) != expected (3, 0)."));
    }

    [Test]
    public void NaNIsAMismatchUnlessEqualNan()
    {
        double[] a = [1, double.NaN, 3], e = [1, double.NaN, 3];
        TensorComparison c = TensorComparison.Compare(a, e);
        Assert.That(c.MismatchCount, Is.EqualTo(1));
        Assert.That(c.Message, Does.Contain("Greatest absolute difference: nan at index (1,)"));
        Assert.That(TensorComparison.Compare(a, e, equalNan: true).IsClose, Is.True);
        Assert.That(TensorComparison.Compare(a, new[] { 1.0, 2, 3 }, equalNan: true).IsClose, Is.False, "NaN against a number");
    }

    [Test]
    public void InfinityEqualsOnlyTheSameInfinity()
    {
        double inf = double.PositiveInfinity;
        Assert.That(TensorComparison.Compare(new[] { inf, -inf }, new[] { inf, -inf }).IsClose, Is.True);
        TensorComparison c = TensorComparison.Compare(new[] { inf, -inf, 1e308 }, new[] { -inf, -inf, inf }, rtol: 1, atol: 1);
        Assert.That(c.MismatchCount, Is.EqualTo(2));
        Assert.That(c.Message, Does.Contain("Greatest absolute difference: inf at index (0,) (up to 1.0 allowed)"));
        Assert.That(c.Message, Does.Contain("Greatest relative difference: nan at index (0,) (up to 1.0 allowed)"));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void ChannelAxisMovedIsNamedInTheShapeMessage(ITensorEngine engine)
    {
        // Channels-last host data (Batch, H, C) against the same data in the engine's own layout.
        float[,,] host = new float[2, 3, 4];
        for (int i = 0; i < 24; i++) host[i / 12, i / 4 % 3, i % 4] = i * 0.1f;
        object tensor = engine.FromChannelsLast(NpyArray.FromArray(host).Data, [2, 3, 4]);
        TensorComparison c = TensorComparison.Compare(tensor, host);
        if (engine.ClassAxis == -1)
        {
            Assert.That(c.IsClose, Is.True, c.Message);
            return;
        }
        Assert.That(c.Mismatch, Is.EqualTo(TensorMismatch.Shape));
        Assert.That(c.Message, Is.EqualTo("Tensors are not close!\nThe shapes do not match: actual (2, 4, 3) != expected (2, 3, 4).\n" +
            "actual's shape is expected's with axis 2 moved to position 1: the same data in the other layout (channels-first vs " +
            "channels-last)? Move the channel axis of one side first, e.g. engine.MoveAxis(actual, 1, 2), or create channels-last " +
            "data in an engine's own layout with EngineInterop.FromChannelsLast(engine, data, shape)."));
        Assert.That(TensorComparison.Compare(engine.MoveAxis(tensor, 1, 2), host).IsClose, Is.True, "the hint's fix works");
    }

    /// <summary>A numpy.testing user writes <c>assert_allclose(x, 0.5)</c>, which broadcasts; the kit compares shapes
    /// as torch.testing does, and the report says how to compare with one number.</summary>
    [Test]
    public void ANumberAgainstAnArraySaysShapesAreNotBroadcast()
    {
        TensorComparison c = TensorComparison.Compare(new[,] { { 0.5, 0.5, 0.5 }, { 0.5, 0.5, 0.5 } }, 0.5);
        Assert.That(c.Message, Is.EqualTo("Tensors are not close!\nThe shapes do not match: actual (2, 3) != expected ().\n" +
            "expected is one number and shapes are not broadcast (as in torch.testing; numpy.testing.assert_allclose would broadcast " +
            "it): compare with an array of actual's shape, e.g. new NpyArray(Enumerable.Repeat(value, n).ToArray(), 2, 3)."));
        Assert.That(TensorComparison.Compare(new[,] { { 0.5, 0.5, 0.5 }, { 0.5, 0.5, 0.5 } },
            new NpyArray(Enumerable.Repeat(0.5, 6).ToArray(), 2, 3)).IsClose, Is.True, "the hint's fix works");
    }

    [Test]
    public void ScalarAndOneElementShapesCompareAsTheSameShape()
    {
        Assert.That(TensorComparison.Compare(new[] { 0.5 }, 0.5).IsClose, Is.True);
        Assert.That(TensorComparison.Compare(new[] { 0.5, 0.5 }, 0.5).Mismatch, Is.EqualTo(TensorMismatch.Shape));
        Assert.That(TensorComparison.Compare(new double[1, 1] { { 0.5 } }, 0.5).Mismatch, Is.EqualTo(TensorMismatch.Shape));
    }

    [Test]
    public void DTypeIsCheckedOnlyWhenAsked()
    {
        Assert.That(TensorComparison.Compare(new[] { 1f }, new[] { 1.0 }).IsClose, Is.True);
        TensorComparison c = TensorComparison.Compare(new[] { 1f }, new[] { 1.0 }, checkDType: true);
        Assert.That(c.Message, Is.EqualTo("Tensors are not close!\nThe dtypes do not match: actual float32 != expected float64."));
    }

    [Test]
    public void IntegersCompareExactly()
    {
        TensorComparison c = TensorComparison.Compare(new[] { 1, 2, 3 }, new long[] { 1, 2, 5 });
        Assert.That(c.Message, Is.EqualTo("Tensors are not equal!\nMismatched elements: 1 / 3 (33.3%)\n" +
                                          "Greatest absolute difference: 2 at index (2,)\nGreatest relative difference: 0.4 at index (2,)"));
    }

    [Test]
    public void BadArgumentsAreRefusedClearly()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorComparison.Compare(new[] { 1.0 }, new[] { 1.0 }, rtol: 1e-3))!;
        Assert.That(e.ParamName, Is.EqualTo("atol"));
        Assert.That(e.Message, Does.Contain("`rtol` and `atol`").And.Contain("Received: rtol=0.001, atol=null"));
        Assert.That(() => TensorComparison.Compare(new[] { 1.0 }, new[] { 1.0 }, rtol: -1, atol: 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Received: rtol=-1"));
        e = Assert.Throws<ArgumentException>(() => TensorComparison.Compare("text", new[] { 1.0 }))!;
        Assert.That(e.ParamName, Is.EqualTo("actual"));
        Assert.That(e.Message, Does.Contain("Received: actual is a System.String"));
        e = Assert.Throws<ArgumentException>(() => TensorComparison.Compare(new[] { 1.0 }, new[] { new[] { 1.0 } }))!;
        Assert.That(e.Message, Does.Contain("jagged"));
        Assert.That(() => TensorComparison.Compare(null!, 1.0), Throws.ArgumentNullException);
    }

    [Test]
    public void TensorsOfDifferentEnginesCompare()
    {
        ITensorEngine[] engines = TensorEngines.All.ToArray();
        double[] values = [0.1, 0.2, 0.3];
        for (int i = 0; i + 1 < engines.Length; i++)
        {
            object a = engines[i].FromArray(values, [3]), b = engines[i + 1].FromArray(values.Select(v => (float)v).ToArray(), [3]);
            TensorComparison c = TensorComparison.Compare(a, b);
            Assert.That(c.IsClose, Is.True, c.Message);
            Assert.That((c.ActualDType, c.ExpectedDType), Is.EqualTo((DType.Float64, DType.Float32)));
        }
    }
}
