using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace CrossBackend.Cli;

/// <summary>A NumPy <c>.npy</c> array: row-major data and its shape.</summary>
/// <param name="Data">float[], double[], int[] or long[].</param>
/// <param name="Shape">The array's shape.</param>
public sealed record NpyArray(Array Data, long[] Shape);

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1–3): little-endian float32, float64, int32, int64, uint8 and
/// bool in C order. Anything else is refused with a <see cref="CliException"/> naming the file and the problem.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path, string option)
    {
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new CliException($"{option} {path}: not a .npy file (expected a NumPy .npy file)");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} {path}: cannot read file ({e.Message})");
        }
        try { return Parse(bytes); }
        catch (FormatException e) { throw new CliException($"{option} {path}: {e.Message}"); }
    }

    public static NpyArray Parse(byte[] bytes)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic)) throw new FormatException("not a NumPy .npy file (bad magic)");
        int major = bytes[6];
        int headerLengthSize = major == 1 ? 2 : major is 2 or 3 ? 4 : throw new FormatException($"unsupported .npy format version {major}");
        int headerStart = 8 + headerLengthSize;
        if (bytes.Length < headerStart) throw new FormatException("truncated header");
        long headerLength = headerLengthSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (headerStart + headerLength > bytes.Length) throw new FormatException("truncated header");
        string header = Encoding.Latin1.GetString(bytes, headerStart, (int)headerLength);

        string descr = Field(header, DescrPattern(), "descr");
        if (Field(header, FortranPattern(), "fortran_order") == "True")
            throw new FormatException("Fortran-ordered arrays are not supported (save with C order)");
        long[] shape = Field(header, ShapePattern(), "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, out long n) && n >= 0 ? n : throw new FormatException($"bad shape entry '{s}'"))
            .ToArray();
        long count;
        try { count = shape.Aggregate(1L, (a, b) => checked(a * b)); }
        catch (OverflowException) { throw new FormatException($"shape ({string.Join(", ", shape)}) is too large"); }

        int dataStart = headerStart + (int)headerLength;
        int size = descr switch
        {
            "<f4" or "<i4" => 4,
            "<f8" or "<i8" => 8,
            "|u1" or "|b1" => 1,
            _ => throw new FormatException($"unsupported dtype '{descr}' (supported: float32, float64, int32, int64, uint8, bool; little-endian)"),
        };
        long expected = count <= long.MaxValue / size ? count * size
            : throw new FormatException($"shape ({string.Join(", ", shape)}) is too large");
        if (bytes.Length - dataStart < expected)
            throw new FormatException($"truncated data: shape ({string.Join(", ", shape)}) needs {expected} bytes, file has {bytes.Length - dataStart}");
        ReadOnlyMemory<byte> raw = bytes.AsMemory(dataStart);
        Array data = descr switch
        {
            "<f4" => Decode(raw, count, 4, s => BinaryPrimitives.ReadSingleLittleEndian(s)),
            "<f8" => Decode(raw, count, 8, s => BinaryPrimitives.ReadDoubleLittleEndian(s)),
            "<i4" => Decode(raw, count, 4, s => BinaryPrimitives.ReadInt32LittleEndian(s)),
            "<i8" => Decode(raw, count, 8, s => BinaryPrimitives.ReadInt64LittleEndian(s)),
            _ => Decode(raw, count, 1, s => descr == "|b1" ? (s[0] != 0 ? 1 : 0) : (int)s[0]),
        };
        return new NpyArray(data, shape);
    }

    private delegate T Reader<T>(ReadOnlySpan<byte> source);

    private static T[] Decode<T>(ReadOnlyMemory<byte> data, long count, int size, Reader<T> read)
    {
        var result = new T[count];
        ReadOnlySpan<byte> span = data.Span;
        for (int i = 0; i < result.Length; i++) result[i] = read(span.Slice(i * size, size));
        return result;
    }

    private static string Field(string header, Regex pattern, string name)
    {
        Match m = pattern.Match(header);
        return m.Success ? m.Groups[1].Value : throw new FormatException($"header has no '{name}'");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapePattern();

    /// <summary>Writes a little-endian, C-order .npy file (version 1.0): float32 or float64 or int32/int64.</summary>
    public static void Write(string path, Array data, long[] shape)
    {
        (string descr, int size) = data switch
        {
            float[] => ("<f4", 4), double[] => ("<f8", 8), int[] => ("<i4", 4), long[] => ("<i8", 8),
            _ => throw new ArgumentException("unsupported element type", nameof(data)),
        };
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - total % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
        var raw = new byte[data.Length * size];
        Buffer.BlockCopy(data, 0, raw, 0, raw.Length);
        stream.Write(raw);
    }
}
