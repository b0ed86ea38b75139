using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrossBackend.Cli;
using CrossBackend.IO;
using CrossBackend.Testing;

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

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

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

    // ---- bad inputs: one line on stderr naming the problem ------------------------------------------------------

    /// <summary>(name, files to create, arguments after "loss categorical_crossentropy --backend B" with {dir}
    /// replaced, fragments the stderr line must contain). A new option or failure mode is one more entry.</summary>
    public static IEnumerable<TestCaseData> BadInputs()
    {
        var fe = new Dictionary<string, Func<CliReliabilityTests, string>>();
        (string, string[], string[])[] cases =
        [
            ("missing --pred file", ["--pred", "{dir}/nope.npy", "--true", "{true}"], ["--pred", "nope.npy", "cannot read"]),
            ("--pred is a directory", ["--pred", "{dir}/adir.npy", "--true", "{true}"], ["--pred", "adir.npy", "cannot read"]),
            ("not a .npy name", ["--pred", "{dir}/pred.csv", "--true", "{true}"], ["--pred", "pred.csv", "not a .npy file"]),
            ("text file named .npy", ["--pred", "{dir}/text.npy", "--true", "{true}"], ["--pred", "text.npy", "bad magic"]),
            ("empty file", ["--pred", "{dir}/empty.npy", "--true", "{true}"], ["--pred", "empty.npy", "not a NumPy .npy file"]),
            ("truncated header", ["--pred", "{dir}/trunc_header.npy", "--true", "{true}"], ["--pred", "trunc_header.npy", "truncated header"]),
            ("truncated data", ["--pred", "{pred}", "--true", "{dir}/trunc_data.npy"], ["--true", "trunc_data.npy", "truncated data", "needs 72 bytes"]),
            ("unsupported version", ["--pred", "{dir}/v9.npy", "--true", "{true}"], ["--pred", "v9.npy", "unsupported .npy format version 9"]),
            ("float16 file", ["--pred", "{dir}/f2.npy", "--true", "{true}"], ["--pred", "f2.npy", "unsupported dtype '<f2'"]),
            ("big-endian file", ["--pred", "{dir}/be.npy", "--true", "{true}"], ["--pred", "be.npy", "unsupported dtype '>f4'"]),
            ("complex file", ["--pred", "{dir}/c8.npy", "--true", "{true}"], ["--pred", "c8.npy", "unsupported dtype '<c8'"]),
            ("object file", ["--pred", "{dir}/obj.npy", "--true", "{true}"], ["--pred", "obj.npy", "unsupported dtype '|O'"]),
            ("Fortran order", ["--pred", "{dir}/fortran.npy", "--true", "{true}"], ["--pred", "fortran.npy", "Fortran"]),
            ("header without shape", ["--pred", "{dir}/noshape.npy", "--true", "{true}"], ["--pred", "noshape.npy", "no 'shape'"]),
            ("negative shape", ["--pred", "{dir}/negshape.npy", "--true", "{true}"], ["--pred", "negshape.npy", "bad shape entry '-3'"]),
            ("overflowing shape", ["--pred", "{dir}/hugeshape.npy", "--true", "{true}"], ["--pred", "hugeshape.npy", "too large"]),
            ("integer y_pred", ["--pred", "{true}", "--true", "{true}"], ["--pred", "float32 or float64"]),
            ("shape mismatch", ["--pred", "{pred}", "--true", "{dir}/true_2x3.npy"], ["shape mismatch", "(3, 3)", "(2, 3)"]),
            ("rank 1", ["--pred", "{dir}/rank1.npy", "--true", "{dir}/rank1.npy"], ["--pred", "`y_pred`", "rank >= 2", "y_pred.shape=(3,)"]),
            ("rank 0", ["--pred", "{dir}/rank0.npy", "--true", "{dir}/rank0.npy"], ["--pred", "`y_pred`", "rank >= 2", "y_pred.shape=()"]),
            ("empty batch, averaged", ["--pred", "{dir}/empty_batch.npy", "--true", "{dir}/empty_batch.npy"], ["`y_pred`", "empty batch", "(0, 3)"]),
            ("zero classes", ["--pred", "{dir}/no_classes.npy", "--true", "{dir}/no_classes.npy", "--no-average"], ["`y_pred`", "at least one class"]),
            ("--class-weights 1=abc", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=abc"], ["--class-weights", "'1=abc'", "CLASS=WEIGHT"]),
            ("--class-weights abc", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "abc"], ["--class-weights", "'abc'"]),
            ("--class-weights 1=2=3", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=2=3"], ["--class-weights", "'1=2=3'"]),
            ("--class-weights 1.5=2", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1.5=2"], ["--class-weights", "'1.5=2'"]),
            ("--class-weights class overflows int", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "99999999999=1"], ["--class-weights", "'99999999999=1'"]),
            ("--class-weights trailing comma", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=2,"], ["--class-weights", "''"]),
            ("--class-weights duplicate", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=2,1=3"], ["--class-weights", "class 1 is given twice"]),
            ("--class-weights class out of range", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "3=1.0"], ["`classWeights`", "class 3", "outside [0, 3)"]),
            ("--class-weights negative class", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "-1=1.0"], ["`classWeights`", "class -1"]),
            ("--class-weights negative weight", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=-2"], ["`classWeights`", "classWeights[1]=-2"]),
            ("--class-weights NaN weight", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=NaN"], ["`classWeights`", "classWeights[1]=NaN"]),
            ("--class-weights infinite weight", ["--pred", "{pred}", "--true", "{true}", "--class-weights", "1=Infinity"], ["`classWeights`", "classWeights[1]="]),
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
        yield return new TestCaseData(any, new[] { "NOBACKEND", "--pred", "{pred}", "--true", "{true}" }, new[] { "--backend" })
            .SetArgDisplayNames("missing --backend", any);
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
        foreach (string part in expected) Assert.That(err, Does.Contain(part));
        foreach (string f in files) Assert.That(Hash(f), Is.EqualTo(before[f]), $"{Path.GetFileName(f)} unchanged");
        Assert.That(Directory.GetFiles(_dir), Is.EquivalentTo(files), "no file created or removed");
    }

    private void MakeBadFiles()
    {
        if (File.Exists(Path_("fe_pred.npy")) && File.Exists(Path_("rank0.npy"))) return;
        Npy("fe_pred.npy", FePred, [3, 3]);
        Npy("fe_true.npy", FeTrue, [3, 3]);
        Npy("true_2x3.npy", new long[6], [2, 3]);
        Npy("rank1.npy", new float[] { 0.2f, 0.3f, 0.5f }, [3]);
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
        File.WriteAllBytes(Path_("be.npy"), HandBuiltNpy(">f4", "(3, 3)", new byte[36]));
        File.WriteAllBytes(Path_("c8.npy"), HandBuiltNpy("<c8", "(3, 3)", new byte[72]));
        File.WriteAllBytes(Path_("obj.npy"), HandBuiltNpy("|O", "(3, 3)", new byte[72]));
        File.WriteAllBytes(Path_("fortran.npy"), HandBuiltNpy("<f4", "(3, 3)", new byte[36], fortran: true));
        File.WriteAllBytes(Path_("noshape.npy"), HandBuiltNpy("<f4", "(3, 3)", new byte[36]) is var b
            ? Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(b).Replace("'shape'", "'shapx'")) : b);
        File.WriteAllBytes(Path_("negshape.npy"), HandBuiltNpy("<f4", "(-3, 3)", new byte[36]));
        File.WriteAllBytes(Path_("hugeshape.npy"), HandBuiltNpy("<f4", "(4294967296, 4294967296, 4)", new byte[36]));
        File.WriteAllBytes(Path_("rank0.npy"), HandBuiltNpy("<f4", "()", new byte[4]));
    }
}
