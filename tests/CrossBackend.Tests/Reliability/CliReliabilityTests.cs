using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrossBackend.Cli;
using CrossBackend.IO;
using CrossBackend.Testing;
using static CrossBackend.Tests.Reliability.CliRun;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// Issue 5, item 7: every bad input to <c>crossbackend loss</c> ends with exactly one line on stderr naming the
/// problem, a non-zero exit code, nothing on stdout, no stack trace and no native crash; input files are
/// byte-for-byte unchanged. The CLI runs in-process through <see cref="CliApp.Run"/>.
/// </summary>
[NonParallelizable]
public sealed class CliReliabilityTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("cb-cli-rel").FullName;

    [OneTimeTearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string Path_(string name) => Path.Combine(_dir, name);

    private string Npy(string name, Array data, long[] shape)
    {
        string path = Path_(name);
        NpyFile.Write(path, data, shape);
        return path;
    }

    private string Raw(string name, byte[] bytes)
    {
        string path = Path_(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The engines the CLI can run on (<c>--backend</c> values): every engine found.</summary>
    private static string[] EngineNames => TensorEngines.All.Select(e => e.Name).ToArray();

    private static float[] FePred => Cases.FePred.Select(v => (float)v).ToArray();
    private static long[] FeTrue => Cases.FeTrue.Select(v => (long)v).ToArray();

    /// <summary>A .npy file built byte by byte (independent of <see cref="NpyFile"/>): magic, version 1.0, header
    /// length, the header dict padded with spaces to a multiple of 64 and ended by '\n', then the raw data.</summary>
    public static byte[] HandBuiltNpy(string descr, string shape, byte[] data, bool fortran = false, byte major = 1)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int lengthBytes = major == 1 ? 2 : 4;
        int preamble = 6 + 2 + lengthBytes;
        int padded = (preamble + dict.Length + 1 + 63) / 64 * 64 - preamble;
        string header = dict.PadRight(padded - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        var length = new byte[lengthBytes];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static byte[] Float64Bytes(IEnumerable<double> values) =>
        values.SelectMany(v => { var b = new byte[8]; BinaryPrimitives.WriteDoubleLittleEndian(b, v); return b; }).ToArray();

    private static string Hash(string path) =>
        File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "(none)";

    // ---- positive: the FastEstimator example through .npy files -------------------------------------------------

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void FastEstimatorExampleThroughNpyFiles(string backend)
    {
        string p = Npy("fe_pred.npy", FePred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend);
        Assert.That((code, err), Is.EqualTo((0, "")));
        Assert.That(double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.22839302).Within(1e-7));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void JsonOutputHasBackendShapeAndLoss(string backend)
    {
        string p = Npy("fe_pred.npy", FePred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, _) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend, "--json");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), "one JSON line");
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.That(doc.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "backend", "shape", "loss" }));
        Assert.That(doc.RootElement.GetProperty("backend").GetString(), Is.EqualTo(backend));
        Assert.That(doc.RootElement.GetProperty("shape").GetArrayLength(), Is.EqualTo(0), "a mean is a scalar: shape []");
        Assert.That(doc.RootElement.GetProperty("loss").GetDouble(), Is.EqualTo(0.22839302).Within(1e-7));

        var (code2, perElement, _) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend,
            "--json", "--no-average", "--class-weights", "1=2.0,2=3.0");
        Assert.That(code2, Is.EqualTo(0));
        using JsonDocument doc2 = JsonDocument.Parse(perElement);
        Assert.That(doc2.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 3 }));
        Assert.That(doc2.RootElement.GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()),
            Is.EqualTo(new[] { 0.44628706, 0.10536055, 1.07002491 }).Within(1e-6));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void HandBuiltNpyFilesAreReadCorrectly(string backend)
    {
        // float64 predictions and bool labels, neither written by NpyFile; version 2.0 header for the labels.
        string p = Raw("hand_pred.npy", HandBuiltNpy("<f8", "(3, 3)", Float64Bytes(Cases.FePred)));
        string t = Raw("hand_true.npy", HandBuiltNpy("|b1", "(3, 3)", Cases.FeTrue.Select(v => (byte)v).ToArray(), major: 2));
        NpyArray read = NpyFile.Parse(File.ReadAllBytes(p));
        Assert.That(read.Shape, Is.EqualTo(new long[] { 3, 3 }));
        Assert.That(read.Data, Is.EqualTo(Cases.FePred));
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend);
        Assert.That((code, err), Is.EqualTo((0, "")));
        Assert.That(double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.22839302).Within(1e-7));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void NaNInPredictionsIsAValueNotAnError(string backend)
    {
        // The NaN policy (propagate) reaches the command line: exit 0, "NaN" for that element only.
        float[] pred = FePred;
        pred[4] = float.NaN;
        string p = Npy("nan_pred.npy", pred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend, "--no-average");
        Assert.That((code, err), Is.EqualTo((0, "")));
        Assert.That(output.Trim(), Does.StartWith("[0.22314").And.Contain(", NaN, ").And.EndWith("]"));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void EmptyBatchPerElementPrintsAnEmptyList(string backend)
    {
        string p = Npy("empty_pred.npy", Array.Empty<float>(), [0, 2, 3]), t = Npy("empty_true.npy", Array.Empty<float>(), [0, 2, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend, "--no-average", "--json");
        Assert.That((code, err), Is.EqualTo((0, "")));
        Assert.That(output.Trim(), Is.EqualTo($"{{\"backend\": \"{backend}\", \"shape\": [0, 2], \"loss\": []}}"));
    }

    // ---- issue 11, item 6: every engine by default, float16 files, parity --json and --loss, examples in --help ----

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
    private static string[] Lines(string output) => output.TrimEnd('\n').Split('\n');

    /// <summary>The FastEstimator example's per-row loss in float64 from float32-rounded inputs, independent of the
    /// library: w[class] · −log(p[class] / Σp).</summary>
    private static double[] FeRows(Func<double, double> round, IReadOnlyDictionary<int, double>? weights = null) =>
        Enumerable.Range(0, 3).Select(r =>
        {
            double[] row = Cases.FePred[(r * 3)..(r * 3 + 3)].Select(round).ToArray();
            int cls = Array.IndexOf(Cases.FeTrue, 1.0, r * 3) - r * 3;
            return (weights?.GetValueOrDefault(cls, 1.0) ?? 1.0) * -Math.Log(row[cls] / row.Sum());
        }).ToArray();

    private static void AssertWithin(double actual, double expected, DType dtype, string what)
    {
        (double rtol, double atol) = Tolerance.For(dtype);
        Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo(rtol * Math.Abs(expected) + atol), $"{what}: {actual} vs {expected}");
    }

    [Test]
    public void LossRunsOnEveryEngineByDefaultAndSaysTheyAgree()
    {
        string p = Npy("fe_pred.npy", FePred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t);
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        string[] lines = Lines(output);
        Assert.That(lines, Has.Length.EqualTo(EngineNames.Length + 1), output);
        double expected = FeRows(v => (float)v).Average();
        for (int i = 0; i < EngineNames.Length; i++)
        {
            string[] parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(parts[0], Is.EqualTo(EngineNames[i]));
            AssertWithin(double.Parse(parts[1], Inv), expected, DType.Float32, EngineNames[i]);
        }
        Assert.That(lines[^1], Does.StartWith($"agree: {EngineNames.Length} engines").And.Contain("|a - b| <= 1e-5*|b| + 1e-6 (float32)"));
    }

    [Test]
    public void LossJsonOnEveryEngineIsOneLinePerEngineThenTheVerdict()
    {
        string p = Npy("fe_pred.npy", FePred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--json", "--no-average",
            "--class-weights", "1=2.0,2=3.0");
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        JsonDocument[] docs = Lines(output).Select(l => JsonDocument.Parse(l)).ToArray();
        Assert.That(docs, Has.Length.EqualTo(EngineNames.Length + 1));
        double[] expected = FeRows(v => (float)v, Cases.FeWeights);
        for (int i = 0; i < EngineNames.Length; i++)
        {
            JsonElement line = docs[i].RootElement;
            Assert.That(line.GetProperty("backend").GetString(), Is.EqualTo(EngineNames[i]));
            Assert.That(line.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 3 }));
            double[] loss = line.GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int k = 0; k < 3; k++) AssertWithin(loss[k], expected[k], DType.Float32, $"{EngineNames[i]}[{k}]");
        }
        JsonElement verdict = docs[^1].RootElement;
        Assert.That(verdict.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "agree", "max_abs_diff", "dtype", "rtol", "atol" }));
        Assert.That(verdict.GetProperty("agree").GetBoolean(), Is.True);
        Assert.That(verdict.GetProperty("dtype").GetString(), Is.EqualTo("float32"));
        Assert.That((verdict.GetProperty("rtol").GetDouble(), verdict.GetProperty("atol").GetDouble()), Is.EqualTo(Tolerance.For(DType.Float32)));
        Assert.That(verdict.GetProperty("max_abs_diff").GetDouble(), Is.LessThanOrEqualTo(1e-5 * 1.07 + 1e-6));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.Names))]
    public void Float16PredictionsAreComputedInFloat32AndReturnedInFloat16(string backend)
    {
        Half[] pred = Cases.FePred.Select(v => (Half)v).ToArray();
        string p = Npy("fe_pred16.npy", pred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t, "--backend", backend, "--no-average", "--json");
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        string[] printed = JsonDocument.Parse(output).RootElement.GetProperty("loss").EnumerateArray().Select(e => e.GetRawText()).ToArray();
        // The reference: the float16 inputs in float64, rounded once to float16.
        double[] expected = FeRows(v => (double)(Half)v).Select(v => (double)(Half)v).ToArray();
        for (int k = 0; k < 3; k++)
        {
            Half value = Half.Parse(printed[k], Inv);
            Assert.That(printed[k], Is.EqualTo(value.ToString(Inv)), $"element {k} printed as the shortest float16 text");
            AssertWithin((double)value, expected[k], DType.Float16, $"element {k}");
        }
        // The float16 inputs are not the float32 ones: the last row's loss is 0.35644531, FastEstimator's float32 one 0.35667497.
        Assert.That(Math.Abs((double)Half.Parse(printed[2], Inv) - 0.35667497), Is.GreaterThan(1e-4));
    }

    [Test]
    public void Float16OnEveryEngineIsJudgedWithFloat16Tolerance()
    {
        string p = Npy("fe_pred16.npy", Cases.FePred.Select(v => (Half)v).ToArray(), [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        var (code, output, err) = Run("loss", "categorical_crossentropy", "--pred", p, "--true", t);
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        Assert.That(Lines(output)[^1], Does.StartWith("agree: ").And.EndWith("|a - b| <= 1e-3*|b| + 1e-5 (float16)"));
    }

    [Test]
    public void AgreementUsesTheKitsToleranceTable()
    {
        foreach (DType d in new[] { DType.Float16, DType.BFloat16, DType.Float32, DType.Float64 })
            Assert.That(Agreement.For(d), Is.EqualTo(Tolerance.For(d)), d.Name());
    }

    [TestCase(1 + 1.0e-5, 1.0, true)]
    [TestCase(1 + 1.2e-5, 1.0, false)]   // bound 1e-5·1 + 1e-6
    [TestCase(1e-6, 0.0, true)]
    [TestCase(1.2e-6, 0.0, false)]
    [TestCase(double.NaN, double.NaN, true)]
    [TestCase(double.NaN, 1.0, false)]
    [TestCase(double.PositiveInfinity, double.PositiveInfinity, true)]
    [TestCase(double.PositiveInfinity, double.NegativeInfinity, false)]
    public void AgreementIsTheDocumentedBound(double a, double b, bool agree)
    {
        (double rtol, double atol) = Agreement.For(DType.Float32);
        Assert.That(Agreement.Compare([a], [b], rtol, atol).AllClose, Is.EqualTo(agree));
        Assert.That(Agreement.Compare([a, 0], [b], rtol, atol).AllClose, Is.False, "different lengths never agree");
    }

    [Test]
    public void ParityJsonIsOneLinePerCaseThenASummary()
    {
        var (code, output, err) = Run("parity", "--json");
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        JsonDocument[] docs = Lines(output).Select(l => JsonDocument.Parse(l)).ToArray();
        int cases = CrossBackend.Cli.Parity.ParityCases.Default().Count;
        Assert.That(docs, Has.Length.EqualTo(cases + 1));
        foreach (JsonDocument d in docs[..^1])
        {
            Assert.That(d.RootElement.GetProperty("agree").GetBoolean(), Is.True, d.RootElement.GetProperty("case").GetString());
            Assert.That(d.RootElement.GetProperty("results").EnumerateObject().Select(p => p.Name), Is.EqualTo(EngineNames));
        }
        JsonElement fe = docs.First(d => d.RootElement.GetProperty("case").GetString() == "categorical_crossentropy: FastEstimator docstring").RootElement;
        Assert.That(fe.GetProperty("published").EnumerateArray().Single().GetDouble(), Is.EqualTo(0.22839302));
        // The embedded example's float64 run takes the published inputs unrounded.
        AssertWithin(fe.GetProperty("float64").EnumerateArray().Single().GetDouble(), FeRows(v => v).Average(), DType.Float64, "float64");
        foreach (JsonProperty r in fe.GetProperty("results").EnumerateObject())
            AssertWithin(r.Value.EnumerateArray().Single().GetDouble(), 0.22839302, DType.Float32, r.Name);
        // Every registered metric's published examples are cases too, named under "metric".
        string[] metrics = docs[..^1].Where(d => d.RootElement.TryGetProperty("metric", out _))
            .Select(d => d.RootElement.GetProperty("metric").GetString()!).Distinct().ToArray();
        Assert.That(metrics, Is.EquivalentTo(MetricRegistry.All.Select(m => m.Name)));
        Assert.That(docs[..^1].Count(d => d.RootElement.TryGetProperty("metric", out _)), Is.EqualTo(MetricRegistry.All.Sum(m => m.Examples.Count)));
        // And every backend function's published example, which runs in its own dtypes (no float64 run).
        JsonDocument[] functions = docs[..^1].Where(d => d.RootElement.TryGetProperty("function", out _)).ToArray();
        Assert.That(functions, Has.Length.EqualTo(FunctionExamples.All().Count()));
        Assert.That(functions.Select(d => d.RootElement.GetProperty("float64").ValueKind).Distinct(), Is.EqualTo(new[] { JsonValueKind.Null }));
        JsonElement summary = docs[^1].RootElement;
        Assert.That(summary.GetProperty("cases").GetInt32(), Is.EqualTo(cases));
        Assert.That(summary.GetProperty("engines").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(EngineNames));
        Assert.That((summary.GetProperty("disagree").GetInt32(), summary.GetProperty("agree").GetBoolean()), Is.EqualTo((0, true)));
    }

    [Test]
    public void ParityRunsTheUsersArraysOnEveryEngineAndInFloat64()
    {
        string p = Npy("fe_pred.npy", FePred, [3, 3]), t = Npy("fe_true.npy", FeTrue, [3, 3]);
        string[] args = ["parity", "--loss", "categorical_crossentropy", "--pred", p, "--true", t, "--no-average", "--class-weights", "1=2.0,2=3.0"];
        var (code, output, err) = Run([.. args, "--json"]);
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        JsonDocument[] docs = Lines(output).Select(l => JsonDocument.Parse(l)).ToArray();
        Assert.That(docs, Has.Length.EqualTo(2));
        JsonElement c = docs[0].RootElement;
        Assert.That(c.GetProperty("case").GetString(), Is.EqualTo($"categorical_crossentropy: {p}"));
        Assert.That(c.GetProperty("dtype").GetString(), Is.EqualTo("float32"));
        Assert.That(c.GetProperty("published").ValueKind, Is.EqualTo(JsonValueKind.Null));
        double[] expected = FeRows(v => (float)v, Cases.FeWeights);
        double[] wide = c.GetProperty("float64").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int k = 0; k < 3; k++) AssertWithin(wide[k], expected[k], DType.Float64, $"float64[{k}]");
        foreach (JsonProperty r in c.GetProperty("results").EnumerateObject())
        {
            double[] narrow = r.Value.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int k = 0; k < 3; k++) AssertWithin(narrow[k], expected[k], DType.Float32, $"{r.Name}[{k}]");
        }
        Assert.That(c.GetProperty("agree").GetBoolean(), Is.True);
        Assert.That(docs[1].RootElement.GetProperty("cases").GetInt32(), Is.EqualTo(1));

        var (textCode, text, _) = Run(args);
        Assert.That(textCode, Is.EqualTo(CliApp.Ok));
        Assert.That(text, Does.Contain($"categorical_crossentropy: {p}").And.Contain("Largest |diff| from the float64 run")
            .And.Contain($"The {EngineNames.Length} engines agree."));
    }

    [Test]
    public void ParityTakesTheUsersArraysOnlyWithLoss()
    {
        string p = Npy("fe_pred.npy", FePred, [3, 3]);
        var (code, output, err) = Run("parity", "--pred", p);
        Assert.That((code, output), Is.EqualTo((CliApp.BadInput, "")));
        Assert.That(err, Is.EqualTo("crossbackend: error: --pred needs --loss NAME (the loss to run your arrays through), e.g. --loss categorical_crossentropy\n")
            .Or.EqualTo($"crossbackend: error: --pred needs --loss NAME (the loss to run your arrays through), e.g. --loss {LossRegistry.All[0].Name}{Environment.NewLine}"));

        var (code2, _, err2) = Run("parity", "--loss", "categorical_crossentropy", "--pred", Npy("fe_true.npy", FeTrue, [3, 3]), "--true", p);
        Assert.That(code2, Is.EqualTo(CliApp.BadInput));
        Assert.That(err2, Does.Contain("`y_pred` must be float16, float32 or float64").And.Not.Contain("(Parameter"));
    }

    public static IEnumerable<TestCaseData> Commands() =>
        new[] { "", "parity", "loss", "keras", "keras inspect", "keras predict" }.Select(c => new TestCaseData(c).SetArgDisplayNames(c == "" ? "(root)" : c));

    [TestCaseSource(nameof(Commands))]
    public void HelpShowsAnExample(string command)
    {
        string[] path = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (code, output, err) = Run([.. path, "--help"]);
        Assert.That((code, err), Is.EqualTo((CliApp.Ok, "")));
        Assert.That(output, Does.Match(@"Examples?:\s*\n\s+crossbackend " + System.Text.RegularExpressions.Regex.Escape(command == "" ? "" : command)));
    }

    // ---- bad inputs: one line on stderr naming the problem ------------------------------------------------------

    /// <summary>(name, files to create, arguments after "loss categorical_crossentropy --backend B" with {dir}
    /// replaced, fragments the stderr line must contain). A new option or failure mode is one more entry.</summary>
    public static IEnumerable<TestCaseData> BadInputs()
    {
        var fe = new Dictionary<string, Func<CliReliabilityTests, string>>();
        (string, string[], string[])[] cases =
        [
            ("missing --pred file", ["--pred", "{dir}/nope.npy", "--true", "{true}"], ["--pred", "nope.npy", "cannot read"]),
            ("--pred is a directory", ["--pred", "{dir}/adir.npy", "--true", "{true}"], ["--pred", "adir.npy", "is a directory, not a file"]),
            ("not a .npy name", ["--pred", "{dir}/pred.csv", "--true", "{true}"], ["--pred", "pred.csv", "not a .npy file"]),
            ("text file named .npy", ["--pred", "{dir}/text.npy", "--true", "{true}"], ["--pred", "text.npy", "bad magic"]),
            ("empty file", ["--pred", "{dir}/empty.npy", "--true", "{true}"], ["--pred", "empty.npy", "not a NumPy .npy file"]),
            ("truncated header", ["--pred", "{dir}/trunc_header.npy", "--true", "{true}"], ["--pred", "trunc_header.npy", "truncated header"]),
            ("truncated data", ["--pred", "{pred}", "--true", "{dir}/trunc_data.npy"], ["--true", "trunc_data.npy", "truncated data", "needs 72 bytes"]),
            ("unsupported version", ["--pred", "{dir}/v9.npy", "--true", "{true}"], ["--pred", "v9.npy", "unsupported .npy format version 9"]),
            ("uint16 file", ["--pred", "{dir}/u2.npy", "--true", "{true}"], ["--pred", "u2.npy", "unsupported dtype '<u2'", "a.astype('<i4')"]),
            ("int8 file", ["--pred", "{pred}", "--true", "{dir}/i1.npy"], ["--true", "i1.npy", "unsupported dtype '|i1'", "a.astype('<i4')"]),
            ("complex file", ["--pred", "{dir}/c8.npy", "--true", "{true}"], ["--pred", "c8.npy", "unsupported dtype '<c8'"]),
            ("object file", ["--pred", "{dir}/obj.npy", "--true", "{true}"], ["--pred", "obj.npy", "unsupported dtype '|O'"]),
            ("datetime file", ["--pred", "{dir}/dt.npy", "--true", "{true}"], ["--pred", "dt.npy", "unsupported dtype '<M8[D]'", "a.astype('<f8')"]),
            ("header without shape", ["--pred", "{dir}/noshape.npy", "--true", "{true}"], ["--pred", "noshape.npy", "no 'shape'"]),
            ("negative shape", ["--pred", "{dir}/negshape.npy", "--true", "{true}"], ["--pred", "negshape.npy", "bad shape entry '-3'"]),
            ("overflowing shape", ["--pred", "{dir}/hugeshape.npy", "--true", "{true}"], ["--pred", "hugeshape.npy", "too large"]),
            ("integer y_pred", ["--pred", "{true}", "--true", "{true}"], ["--pred", "`y_pred`", "float16, float32 or float64", "y_pred.dtype=int64", "astype('float32')"]),
            ("class indices to a dense loss", ["--pred", "{pred}", "--true", "{dir}/indices.npy"], ["shape mismatch", "(3,)", "sparse_categorical_crossentropy"]),
            ("shape mismatch", ["--pred", "{pred}", "--true", "{dir}/true_2x3.npy"], ["shape mismatch", "(3, 3)", "(2, 3)"]),
            // categorical_crossentropy takes rank 1 as one sample (as Keras); focal_loss still needs a batch axis.
            ("rank 1", ["LOSS=focal_loss", "--pred", "{dir}/rank1.npy", "--true", "{dir}/rank1.npy"], ["--pred", "`y_pred`", "rank >= 2", "y_pred.shape=(3,)"]),
            ("rank 0", ["--pred", "{dir}/rank0.npy", "--true", "{dir}/rank0.npy"], ["--pred", "`y_pred`", "rank >= 1", "y_pred.shape=()"]),
            ("empty batch, averaged", ["--pred", "{dir}/empty_batch.npy", "--true", "{dir}/empty_batch.npy"], ["`y_pred`", "empty batch", "(0, 3)"]),
            ("zero classes", ["--pred", "{dir}/no_classes.npy", "--true", "{dir}/no_classes.npy", "--no-average"], ["`y_pred`", "at least one class"]),
            ("--class-weights 1=abc", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=abc"], ["--class-weights", "'1=abc'", "CLASS=WEIGHT"]),
            ("--class-weights abc", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "abc"], ["--class-weights", "'abc'"]),
            ("--class-weights 1=2=3", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=2=3"], ["--class-weights", "'1=2=3'"]),
            ("--class-weights 1.5=2", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1.5=2"], ["--class-weights", "'1.5=2'"]),
            ("--class-weights class overflows int", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "99999999999=1"], ["--class-weights", "'99999999999=1'"]),
            ("--class-weights trailing comma", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=2,"], ["--class-weights", "''"]),
            ("--class-weights duplicate", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=2,1=3"], ["--class-weights", "class 1 is given twice"]),
            ("--class-weights class out of range", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "3=1.0"], ["--class-weights", "class 3", "outside [0, 3)"]),
            ("--class-weights negative class", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "-1=1.0"], ["--class-weights", "class -1"]),
            ("--class-weights negative weight", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=-2"], ["--class-weights", "--class-weights[1]=-2"]),
            ("--class-weights NaN weight", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=NaN"], ["--class-weights", "--class-weights[1]=NaN"]),
            ("--class-weights infinite weight", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=Infinity"], ["--class-weights", "--class-weights[1]="]),
            ("unknown backend", ["--pred", "{pred}", "--true", "{true}", "--backend", "tensorflow"], ["--backend", "tensorflow", .. EngineNames]),
            ("unknown option", ["--pred", "{pred}", "--true", "{true}", "--frobnicate"], ["--frobnicate"]),
            ("missing --true", ["--pred", "{pred}"], ["--true"]),
        ];
        foreach (var (name, args, expect) in cases)
        foreach (string backend in EngineNames)
            yield return new TestCaseData(backend, args, expect).SetArgDisplayNames(name, backend);
        // Failures before an engine is chosen: run once, with the first engine's name on the command line.
        string any = EngineNames.FirstOrDefault() ?? "none";
        yield return new TestCaseData(any, new[] { "LOSS=sparse_nope", "--pred", "{pred}", "--true", "{true}" },
                (string[])["unknown loss 'sparse_nope'", .. LossRegistry.All.Select(l => l.Name)])
            .SetArgDisplayNames("unknown loss", any);
    }

    [TestCaseSource(nameof(BadInputs))]
    public void BadInputEndsWithOneLineOnStderr(string backend, string[] template, string[] expected)
    {
        MakeBadFiles();
        var args = new List<string> { "loss" };
        string loss = "categorical_crossentropy";
        bool withBackend = true;
        var rest = new List<string>();
        foreach (string a in template)
        {
            if (a.StartsWith("LOSS=")) loss = a["LOSS=".Length..];
            else if (a == "NOBACKEND") withBackend = false;
            else rest.Add(a.Replace("{dir}", _dir).Replace("{pred}", Path_("fe_pred.npy")).Replace("{true}", Path_("fe_true.npy")));
        }
        args.Add(loss);
        if (withBackend && !rest.Contains("--backend")) args.AddRange(["--backend", backend]);
        args.AddRange(rest);

        string[] files = Directory.GetFiles(_dir);
        var before = files.ToDictionary(f => f, Hash);

        var (code, output, err) = Run(args.ToArray());

        Assert.That(code, Is.EqualTo(CliApp.BadInput), $"exit code; stderr: {err}");
        Assert.That(output, Is.Empty, "nothing on stdout");
        string[] lines = err.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), $"exactly one line on stderr: {err}");
        Assert.That(err, Does.StartWith("crossbackend: error: "));
        Assert.That(err, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace or exception type");
        Assert.That(err, Does.Not.Contain("(Parameter"), "the library's messages name the argument already");
        Assert.That(err, Does.Not.Match(DotNetTypeNames), "dtypes by their lower-case names (int64, float32)");
        foreach (string part in expected) Assert.That(err, Does.Contain(part));
        foreach (string f in files) Assert.That(Hash(f), Is.EqualTo(before[f]), $"{Path.GetFileName(f)} unchanged");
        Assert.That(Directory.GetFiles(_dir), Is.EquivalentTo(files), "no file created or removed");
    }

    /// <summary>.NET or TorchSharp names of element types, which error messages must not use.</summary>
    private const string DotNetTypeNames = @"\b(Int(8|16|32|64)|UInt8|Float(16|32|64)|Single|Double|Half|Boolean|SByte|Byte)\b";

    private void MakeBadFiles()
    {
        if (File.Exists(Path_("fe_pred.npy")) && File.Exists(Path_("rank0.npy"))) return;
        Npy("fe_pred.npy", FePred, [3, 3]);
        Npy("fe_true.npy", FeTrue, [3, 3]);
        Npy("true_2x3.npy", new long[6], [2, 3]);
        Npy("rank1.npy", new float[] { 0.2f, 0.3f, 0.5f }, [3]);
        Npy("indices.npy", new long[] { 1, 0, 2 }, [3]);
        Npy("empty_batch.npy", Array.Empty<float>(), [0, 3]);
        Npy("no_classes.npy", Array.Empty<float>(), [2, 0]);
        Directory.CreateDirectory(Path_("adir.npy"));
        byte[] twelve = new byte[12];
        File.WriteAllText(Path_("pred.csv"), "0.1,0.8,0.1\n");
        File.WriteAllText(Path_("text.npy"), "this is not numpy\n");
        File.WriteAllBytes(Path_("empty.npy"), []);
        File.WriteAllBytes(Path_("trunc_header.npy"), HandBuiltNpy("<f4", "(3, 3)", [])[..40]);
        File.WriteAllBytes(Path_("trunc_data.npy"), HandBuiltNpy("<i8", "(3, 3)", new byte[70]));
        byte[] v9 = HandBuiltNpy("<f4", "(3,)", twelve);
        v9[6] = 9;
        File.WriteAllBytes(Path_("v9.npy"), v9);
        File.WriteAllBytes(Path_("f2.npy"), HandBuiltNpy("<f2", "(3, 3)", new byte[18]));
        File.WriteAllBytes(Path_("u2.npy"), HandBuiltNpy("<u2", "(3, 3)", new byte[18]));
        File.WriteAllBytes(Path_("i1.npy"), HandBuiltNpy("|i1", "(3, 3)", new byte[9]));
        File.WriteAllBytes(Path_("c8.npy"), HandBuiltNpy("<c8", "(3, 3)", new byte[72]));
        File.WriteAllBytes(Path_("obj.npy"), HandBuiltNpy("|O", "(3, 3)", new byte[72]));
        File.WriteAllBytes(Path_("dt.npy"), HandBuiltNpy("<M8[D]", "(3, 3)", new byte[72]));
        File.WriteAllBytes(Path_("noshape.npy"), HandBuiltNpy("<f4", "(3, 3)", new byte[36]) is var b
            ? Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(b).Replace("'shape'", "'shapx'")) : b);
        File.WriteAllBytes(Path_("negshape.npy"), HandBuiltNpy("<f4", "(-3, 3)", new byte[36]));
        File.WriteAllBytes(Path_("hugeshape.npy"), HandBuiltNpy("<f4", "(4294967296, 4294967296, 4)", new byte[36]));
        File.WriteAllBytes(Path_("rank0.npy"), HandBuiltNpy("<f4", "()", new byte[4]));
    }
}
