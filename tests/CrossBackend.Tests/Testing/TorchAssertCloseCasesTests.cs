using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrossBackend.IO;
using CrossBackend.Testing;
using static CrossBackend.Tests.Testing.TorchData;

namespace CrossBackend.Tests.Testing;

/// <summary>
/// The kit's verdict and report against real <c>torch.testing.assert_close</c> (PyTorch 1.13) on the cases of
/// data/close_cases.json (made by data/make_close_cases.py): float16/bfloat16/float32/float64, int32/int64/bool,
/// mismatches at several indices of rank 1–3, NaN on one or both sides with and without <c>equal_nan</c>, ±Inf, −0
/// against 0, expected 0 (relative inf), values exactly at the tolerance, percentages that round half to even, shape
/// and dtype mismatches with <c>check_dtype</c> on and off, one tolerance given alone, 0-d tensors and Python numbers, and ties among 5000 elements (the first wins).
/// Each case runs on .NET arrays (or numbers) and on every engine's tensors. Where the README says the kit differs
/// on purpose, the test allows exactly that: the heading ("Tensors", no blank line), the shape and dtype messages
/// (only the verdict and the kind of mismatch are compared), the integer relative difference (torch divides in
/// float32: only its float32 rounding is compared), and no default tolerance table (torch's, the
/// <see cref="ToleranceTable.TorchTesting"/> preset, is passed).
/// </summary>
public sealed class TorchAssertCloseCasesTests
{

    private static bool IsIntegral(string dtype) => dtype is "uint8" or "int32" or "int64" or "bool";

    /// <summary>One side of a case: the dtype, shape and flat values as torch held them.</summary>
    public sealed record Side(string DType, long[] Shape, string[] Values)
    {
        /// <summary>The values in a host array of the dtype (bfloat16, which .NET lacks, as float32: exact).</summary>
        public Array HostData() => DType switch
        {
            "float64" => Values.Select(ParsePython).ToArray(),
            "float32" or "bfloat16" => Values.Select(t => (float)ParsePython(t)).ToArray(),
            "float16" => Values.Select(t => (Half)ParsePython(t)).ToArray(),
            "int64" => Values.Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
            "int32" => Values.Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
            "uint8" => Values.Select(t => byte.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
            "bool" => Values.Select(t => t == "True").ToArray(),
            var other => throw new InvalidDataException($"no reader for dtype {other} in close_cases.json"),
        };

        /// <summary>A number (for torch's Python-scalar cases), an <see cref="NpyArray"/>, or null for bfloat16.</summary>
        public object? Host(bool pythonScalar) =>
            pythonScalar ? HostData().GetValue(0)! : DType == "bfloat16" ? null : new NpyArray(HostData(), Shape);

        public object Tensor(ITensorEngine engine)
        {
            object t = engine.FromArray(HostData(), Shape);
            return DType == "bfloat16" ? engine.Cast(t, CrossBackend.DType.BFloat16) : t;
        }
    }

    public sealed record Case(string Name, Side Actual, Side Expected, double? Rtol, double? Atol, bool EqualNan,
        bool CheckDType, bool PythonScalars, string Outcome, string Message)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<Case> Cases()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Data("close_cases.json")));
        foreach (JsonElement c in doc.RootElement.EnumerateArray())
        {
            Side Read(string side) => new(c.GetProperty(side + "_dtype").GetString()!,
                c.GetProperty(side + "_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
                c.GetProperty(side).EnumerateArray().Select(v => v.GetString()!).ToArray());
            double? Tol(string name) => c.GetProperty(name).ValueKind == JsonValueKind.Null ? null : c.GetProperty(name).GetDouble();
            yield return new Case(c.GetProperty("name").GetString()!, Read("actual"), Read("expected"), Tol("rtol"), Tol("atol"),
                c.GetProperty("equal_nan").GetBoolean(), c.GetProperty("check_dtype").GetBoolean(),
                c.GetProperty("python_scalars").GetBoolean(), c.GetProperty("outcome").GetString()!, c.GetProperty("message").GetString()!);
        }
    }

    public static IEnumerable<TestCaseData> HostCases() =>
        Cases().Where(c => c.Actual.DType != "bfloat16" && c.Expected.DType != "bfloat16")
            .Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    public static IEnumerable<TestCaseData> EngineCases() =>
        from c in Cases()
        where !c.PythonScalars
        from e in TensorEngines.All
        select new TestCaseData(c, e).SetArgDisplayNames(c.Name, e.Name);

    [Test]
    public void TheCasesAreThere() => Assert.That(Cases().Count(), Is.EqualTo(80));

    [TestCaseSource(nameof(HostCases))]
    public void HostValuesAgreeWithTorch(Case c) =>
        Check(c, c.Actual.Host(c.PythonScalars)!, c.Expected.Host(c.PythonScalars)!, compareMessage: true);

    [TestCaseSource(nameof(EngineCases))]
    public void EngineTensorsAgreeWithTorch(Case c, ITensorEngine engine)
    {
        object actual = c.Actual.Tensor(engine), expected = c.Expected.Tensor(engine);
        // An engine without rank-0 tensors holds a 0-d value as shape (1,): the report is then a 1-element tensor's
        // (README: "a rank-0 value and a shape-(1,) value compare as the same shape"), so only the verdict is compared.
        bool sameRank = engine.Describe(actual).Rank == c.Actual.Shape.Length;
        Check(c, actual, expected, compareMessage: sameRank);
    }

    private static void Check(Case c, object actual, object expected, bool compareMessage)
    {
        if (c.Outcome == "ValueError")
        {
            // torch: "Both 'rtol' and 'atol' must be either specified or omitted, but got no atol."
            var error = Assert.Throws<ArgumentException>(() => TensorComparison.Compare(actual, expected, c.Rtol, c.Atol,
                c.EqualNan, c.CheckDType, ToleranceTable.TorchTesting))!;
            Assert.That(error.Message, Does.Contain("must be given together or both omitted"));
            return;
        }
        TensorComparison ours = TensorComparison.Compare(actual, expected, c.Rtol, c.Atol, c.EqualNan, c.CheckDType,
            ToleranceTable.TorchTesting);
        Assert.That(ours.IsClose, Is.EqualTo(c.Outcome == "pass"), $"verdict; torch said:\n{c.Message}\nours:\n{ours.Message}");
        if (c.Outcome == "pass") return;
        Assert.That(c.Outcome, Is.EqualTo("AssertionError"));
        if (c.Message.StartsWith("The values for attribute 'shape'", StringComparison.Ordinal))
        {
            Assert.That(ours.Mismatch, Is.EqualTo(TensorMismatch.Shape));
            return;
        }
        // Tensors: "The values for attribute 'dtype' do not match: ..."; Python numbers: "The (d)types do not match: ...".
        if (c.Message.StartsWith("The values for attribute 'dtype'", StringComparison.Ordinal) ||
            c.Message.StartsWith("The (d)types do not match", StringComparison.Ordinal))
        {
            Assert.That(ours.Mismatch, Is.EqualTo(TensorMismatch.DType));
            Assert.That(ours.Message, Does.EndWith($"The dtypes do not match: actual {c.Actual.DType} != expected {c.Expected.DType}."));
            return;
        }
        Assert.That(ours.Mismatch, Is.EqualTo(TensorMismatch.Values));
        if (!compareMessage) return;
        string torch = Regex.Replace(c.Message, @"^(Tensor-likes|Scalars) are not (close|equal)!\n\n",
            m => $"{(m.Groups[1].Value == "Scalars" ? "Scalars" : "Tensors")} are not {m.Groups[2].Value}!\n");
        string mine = ours.Message;
        if (IsIntegral(c.Actual.DType) && IsIntegral(c.Expected.DType) && !c.PythonScalars && c.Actual.Shape.Length > 0)
        {
            // torch divides integer tensors in float32 (README: "integer relative difference"): compare in float32.
            static string Float32(string message) => Regex.Replace(message, @"(?<=relative difference: )\S+",
                m => ((float)ParsePython(m.Value)).ToString("R", CultureInfo.InvariantCulture));
            (torch, mine) = (Float32(torch), Float32(mine));
        }
        Assert.That(mine, Is.EqualTo(torch));
    }
}
