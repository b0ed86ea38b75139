using System.IO.Compression;
using System.Text.Json;
using CrossBackend.IO;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Testing;

/// <summary>
/// The core's <c>.npy</c>/<c>.npz</c> reader and writer (<see cref="NpyFile"/>, <see cref="NpzFile"/>): files written
/// by real NumPy 1.24 (data/, made by data/make_data.py, whose values are in data/manifest.json as NumPy held them),
/// files NumPy writes that we refuse, and round trips through our writer.
/// </summary>
public sealed class NpyFileTests
{
    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Testing", "data", name);

    private static JsonElement Manifest(string file)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Data("manifest.json")));
        return doc.RootElement.GetProperty(file).Clone();
    }

    private static readonly Dictionary<string, DType> NumpyNames = new()
    {
        ["float16"] = DType.Float16, ["float32"] = DType.Float32, ["float64"] = DType.Float64, ["int8"] = DType.Int8,
        ["int16"] = DType.Int16, ["int32"] = DType.Int32, ["int64"] = DType.Int64, ["uint8"] = DType.UInt8, ["bool"] = DType.Bool,
    };

    /// <summary>dtype, shape and every value as NumPy held it; int64 is compared as integers (beyond 2^53 too).</summary>
    private static void AssertMatchesManifest(NpyArray array, JsonElement m)
    {
        Assert.That(array.DType, Is.EqualTo(NumpyNames[m.GetProperty("dtype").GetString()!]));
        Assert.That(array.Shape, Is.EqualTo(m.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray()));
        JsonElement[] values = m.GetProperty("values").EnumerateArray().ToArray();
        Assert.That(array.Length, Is.EqualTo(values.Length));
        object[] expected = values.Select(v => v.ValueKind switch
        {
            JsonValueKind.True => (object)1.0,
            JsonValueKind.False => 0.0,
            _ when array.DType == DType.Int64 => (object)v.GetInt64(),
            _ => v.GetDouble(),
        }).ToArray();
        object[] actual = array.Data is long[] longs ? longs.Cast<object>().ToArray() : array.ToDoubleArray().Cast<object>().ToArray();
        Assert.That(actual, Is.EqualTo(expected));
    }

    public static IEnumerable<string> NumpyFiles() =>
        ["npy/float16.npy", "npy/float32.npy", "npy/float64.npy", "npy/int8.npy", "npy/int16.npy", "npy/int32.npy",
         "npy/int64.npy", "npy/uint8.npy", "npy/bool.npy", "npy/scalar.npy", "npy/empty.npy", "npy/rank4.npy",
         "npy/version2.npy", "npy/version3.npy", "npy/fortran.npy", "npy/fortran_rank3.npy", "npy/bigendian.npy",
         "npy/bigendian_int64.npy", "npy/bigendian_fortran.npy"];

    [TestCaseSource(nameof(NumpyFiles))]
    public void ReadsWhatNumpyWrote(string file) => AssertMatchesManifest(NpyFile.Read(Data(file)), Manifest(file));

    /// <summary>Our writer produces NumPy's bytes exactly (same header, padding and data) for the files NumPy wrote
    /// in its default format, 1.0, little-endian and C-ordered (the version 2.0/3.0 files were written so on request;
    /// the Fortran-order and big-endian ones we read, and write back as C-order little-endian).</summary>
    public static IEnumerable<string> NumpyDefaultFormatFiles() =>
        NumpyFiles().Where(f => !f.Contains("version") && !f.Contains("fortran") && !f.Contains("bigendian"));

    /// <summary>A Fortran-ordered or big-endian file (what <c>np.save(path, w.T)</c> and <c>a.astype('&gt;f4')</c>
    /// write) reads as the same row-major array as its C-ordered little-endian copy; both were refused before.</summary>
    [TestCase("npy/fortran.npy")]
    [TestCase("npy/fortran_rank3.npy")]
    [TestCase("npy/bigendian.npy")]
    [TestCase("npy/bigendian_fortran.npy")]
    public void FortranOrderAndBigEndianReadAsRowMajor(string file)
    {
        NpyArray array = NpyFile.Read(Data(file));
        using var written = new MemoryStream();
        NpyFile.Write(written, array);
        NpyArray back = NpyFile.Parse(written.ToArray());
        AssertMatchesManifest(back, Manifest(file));
        if (file == "npy/fortran.npy")   // np.arange(6).reshape(3, 2).T * 0.1 = [[0, 0.2, 0.4], [0.1, 0.3, 0.5]]
            Assert.That((float[,])array.ToArray(), Is.EqualTo(new[,] { { 0f, 0.2f, 0.4f }, { 0.1f, 0.3f, 0.5f } }));
    }

    [TestCaseSource(nameof(NumpyDefaultFormatFiles))]
    public void WritesWhatNumpyWrites(string file)
    {
        byte[] numpy = File.ReadAllBytes(Data(file));
        using var ours = new MemoryStream();
        NpyFile.Write(ours, NpyFile.Parse(numpy));
        Assert.That(ours.ToArray(), Is.EqualTo(numpy));
    }

    [Test]
    public void AZeroDimensionalArrayHasShapeEmptyAndOneElement()
    {
        NpyArray scalar = NpyFile.Read(Data("npy/scalar.npy"));    // np.save("scalar.npy", 2.3)
        Assert.That(scalar.Shape, Is.Empty);
        Assert.That(scalar.Data, Is.EqualTo(new[] { 2.3 }));
        Assert.That(scalar.ToArray(), Is.EqualTo(new[] { 2.3 }));
        TensorAssert.AreClose(scalar, 2.3);
    }

    [TestCase("bad/uint16.npy", "unsupported dtype '<u2': unsigned 16-bit integers have no CrossBackend dtype", "np.save(path, a.astype('<i4'))")]
    [TestCase("bad/uint64.npy", "unsupported dtype '<u8'", "a.astype('<i8')")]
    [TestCase("bad/complex64.npy", "unsupported dtype '<c8': complex arrays are not supported", "np.stack([a.real, a.imag], axis=-1)")]
    [TestCase("bad/datetime.npy", "unsupported dtype '<M8[D]' (supported: float16", "np.save(path, a.astype('<f8'))")]
    [TestCase("bad/object.npy", "unsupported dtype '|O': object arrays", "save a numeric array")]
    [TestCase("bad/truncated.npy", "truncated data: shape (3, 4) needs 48 bytes, file has 43", "")]
    public void RefusesWithAClearMessage(string file, string reason, string fix)
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(Data(file)))!;
        Assert.That(e.Message, Is.EqualTo($"{Data(file)}: {e.InnerException!.Message}"));
        Assert.That(e.Message, Does.Contain(reason).And.Contain(fix));
    }

    [Test]
    public void RefusesBrokenHeaders()
    {
        byte[] good = File.ReadAllBytes(Data("npy/float32.npy"));
        Assert.That(() => NpyFile.Parse(good.AsSpan(0, 30)), Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith("truncated header"));
        Assert.That(() => NpyFile.Parse("not numpy"u8), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("bad magic"));
        byte[] structured = (byte[])good.Clone();
        System.Text.Encoding.Latin1.GetBytes("{'descr': [('a', '<f4')],").CopyTo(structured, 10);
        Assert.That(() => NpyFile.Parse(structured), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("structured"));
    }

    [TestCase("stored.npz")]
    [TestCase("deflated.npz")]
    public void ReadsNumpyNpz(string file)
    {
        IReadOnlyDictionary<string, NpyArray> arrays = NpzFile.Read(Data(file));
        Assert.That(arrays.Keys, Is.EqualTo(new[] { "probs", "labels", "loss" }), "archive order, names without .npy");
        JsonElement m = Manifest(file);
        foreach ((string name, NpyArray array) in arrays) AssertMatchesManifest(array, m.GetProperty(name));
    }

    [Test]
    public void RefusesWhatIsNotAnNpz()
    {
        var e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(Data("npy/float32.npy")))!;
        Assert.That(e.Message, Does.Contain("not a NumPy .npz file"));
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        using (Stream s = archive.CreateEntry("w.npy").Open())
            s.Write(File.ReadAllBytes(Data("bad/uint16.npy")));
        zip.Position = 0;
        e = Assert.Throws<InvalidDataException>(() => NpzFile.Read(zip))!;
        Assert.That(e.Message, Does.StartWith("array 'w': unsupported dtype '<u2'"));
    }

    public static IEnumerable<TestCaseData> RoundTripArrays()
    {
        var r = new Random(5);
        yield return new TestCaseData(new NpyArray(Enumerable.Range(0, 24).Select(_ => (Half)(r.NextDouble() * 8 - 4)).ToArray(), 2, 3, 4)).SetArgDisplayNames("float16 rank 3");
        yield return new TestCaseData(new NpyArray(new[] { float.NaN, float.PositiveInfinity, -0f, float.Epsilon, 0.1f, -3e38f }, 6)).SetArgDisplayNames("float32 specials");
        yield return new TestCaseData(new NpyArray(new[] { 0.1, -2.5e-300, double.NegativeInfinity, Math.PI }, 2, 1, 2, 1)).SetArgDisplayNames("float64 rank 4");
        yield return new TestCaseData(new NpyArray(new sbyte[] { -128, 0, 127 }, 3)).SetArgDisplayNames("int8");
        yield return new TestCaseData(new NpyArray(new short[] { -32768, 1, 32767, 0 }, 2, 2)).SetArgDisplayNames("int16");
        yield return new TestCaseData(new NpyArray(new[] { int.MinValue, int.MaxValue }, 2)).SetArgDisplayNames("int32");
        yield return new TestCaseData(new NpyArray(new[] { long.MinValue, long.MaxValue, 1L << 53 | 1 }, 3)).SetArgDisplayNames("int64 beyond 2^53");
        yield return new TestCaseData(new NpyArray(new byte[] { 0, 255 }, 2)).SetArgDisplayNames("uint8");
        yield return new TestCaseData(new NpyArray(new[] { true, false, true }, 3)).SetArgDisplayNames("bool");
        yield return new TestCaseData(new NpyArray(new[] { 2.3 })).SetArgDisplayNames("0-d");
        yield return new TestCaseData(new NpyArray(Array.Empty<float>(), 0, 3)).SetArgDisplayNames("empty");
    }

    [TestCaseSource(nameof(RoundTripArrays))]
    public void NpyRoundTripIsBitExact(NpyArray array)
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, array);
        Assert.That((stream.Length - RawLength(array)) % 64, Is.EqualTo(0), "the data starts on a 64-byte boundary, as NumPy aligns it");
        NpyArray back = NpyFile.Parse(stream.ToArray());
        AssertSame(back, array);
    }

    private static long RawLength(NpyArray a) => a.Length * int.Parse(a.Descr[2..]);

    private static void AssertSame(NpyArray back, NpyArray array)
    {
        Assert.That(back.DType, Is.EqualTo(array.DType));
        Assert.That(back.Shape, Is.EqualTo(array.Shape));
        Assert.That(back.Data.GetType(), Is.EqualTo(array.Data.GetType()));
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        NpyFile.Write(a, array);
        NpyFile.Write(b, back);
        Assert.That(b.ToArray(), Is.EqualTo(a.ToArray()), "bit-exact data, NaN payloads and -0 included");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void NpzRoundTrip(bool compressed)
    {
        NpyArray[] arrays = RoundTripArrays().Select(c => (NpyArray)c.Arguments[0]!).ToArray();
        var named = arrays.Select((a, i) => KeyValuePair.Create($"a{i}", a)).ToArray();
        named[^1] = KeyValuePair.Create("zeros", new NpyArray(new double[4096], 64, 64));
        using var stream = new MemoryStream();
        NpzFile.Write(stream, named, compressed);
        stream.Position = 0;
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
        {
            ZipArchiveEntry zeros = archive.GetEntry("zeros.npy")!;
            Assert.That(zeros.CompressedLength < zeros.Length, Is.EqualTo(compressed), "deflated only when asked (np.savez stores)");
        }
        stream.Position = 0;
        IReadOnlyDictionary<string, NpyArray> back = NpzFile.Read(stream);
        Assert.That(back.Keys, Is.EqualTo(named.Select(p => p.Key)));
        foreach ((string name, NpyArray array) in named) AssertSame(back[name], array);
    }

    [Test]
    public void NpzNamesMustBeDistinct() =>
        Assert.That(() => NpzFile.Write(new MemoryStream(), [KeyValuePair.Create("a", new NpyArray(new[] { 1.0 })), KeyValuePair.Create("a", new NpyArray(new[] { 2.0 }))]),
            Throws.ArgumentException.With.Message.Contains("name='a'"));

    [Test]
    public void MultiDimensionalDotNetArraysRoundTrip()
    {
        var values = new float[2, 3, 4];
        for (int i = 0; i < 24; i++) values[i / 12, i / 4 % 3, i % 4] = i * 0.5f - 3;
        NpyArray array = NpyArray.FromArray(values);
        Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(((float[])array.Data)[1 * 12 + 2 * 4 + 3], Is.EqualTo(values[1, 2, 3]), "row-major");
        Assert.That(array.ToArray(), Is.EqualTo(values));
        var halves = new Half[2, 2] { { (Half)0.5, (Half)1 }, { (Half)(-2), Half.NaN } };
        Assert.That(NpyArray.FromArray(halves).ToArray(), Is.EqualTo(halves));
    }

    [Test]
    public void BadArraysAreRefused()
    {
        Assert.That(() => new NpyArray(new[] { 1.0, 2.0 }, 3), Throws.ArgumentException.With.Message.Contains("Received: shape=(3,) (3 elements), data.Length=2"));
        Assert.That(() => new NpyArray(new decimal[1], 1), Throws.ArgumentException.With.Message.Contains("Decimal"));
        Assert.That(() => new NpyArray(new double[1, 1], 1, 1), Throws.ArgumentException.With.Message.Contains("one-dimensional"));
        Assert.That(() => NpyArray.FromArray(new[] { new[] { 1.0 } }), Throws.ArgumentException.With.Message.Contains("jagged"));
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void GoldenArraysBecomeTensorsAndBack(ITensorEngine engine)
    {
        foreach (string file in new[] { "npy/float16.npy", "npy/float32.npy", "npy/float64.npy", "npy/int32.npy", "npy/int64.npy", "npy/rank4.npy" })
        {
            NpyArray golden = NpyFile.Read(Data(file));
            object tensor = golden.ToTensor(engine);
            Assert.That(engine.Describe(tensor).DType, Is.EqualTo(golden.DType), file);
            TensorAssert.AreClose(tensor, golden, rtol: 0, atol: 0, checkDType: true, message: file);
            AssertSame(NpyArray.FromTensor(tensor), golden);
        }
        // Narrow integer and bool files become int32 tensors with the same values.
        NpyArray flags = NpyFile.Read(Data("npy/bool.npy"));
        object t = flags.ToTensor(engine);
        Assert.That(engine.Describe(t).DType, Is.EqualTo(DType.Int32));
        TensorAssert.AreClose(t, flags, rtol: 0, atol: 0);
    }

    [TestCaseSource(typeof(TestEngines), nameof(TestEngines.All))]
    public void ChannelsLastGoldenDataMovesIntoTheEnginesLayout(ITensorEngine engine)
    {
        NpyArray probs = NpzFile.Read(Data("stored.npz"))["probs"];          // (2, 2, 3), channels-last
        object tensor = probs.ToTensor(engine, fromChannelsLast: true);
        long[] shape = engine.Describe(tensor).Shape;
        int classAxis = engine.ClassAxis < 0 ? engine.ClassAxis + 3 : engine.ClassAxis;
        Assert.That(shape[classAxis], Is.EqualTo(3), "the classes sit on the engine's class axis");
        TensorAssert.AreClose(engine.MoveAxis(tensor, classAxis, 2), probs, rtol: 0, atol: 0);
    }
}
