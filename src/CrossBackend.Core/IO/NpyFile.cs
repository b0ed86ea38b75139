using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace CrossBackend.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0), the files <c>np.save</c> writes.
/// </summary>
/// <remarks>
/// <para>Supported dtypes: float16 (<c>&lt;f2</c>), float32, float64, int8, int16, int32, int64, uint8 and bool, in
/// either byte order (big-endian <c>&gt;f4</c> is swapped on reading) and either memory order (a Fortran-ordered
/// file, which <c>np.save(path, w.T)</c> writes, is reordered to row-major); 0-d arrays read as shape <c>[]</c> with
/// one element. Refused, with an <see cref="InvalidDataException"/> saying what is wrong and what to save instead:
/// unsigned 16/32/64-bit, complex, object and any other dtype, structured dtypes, unknown format versions, bad
/// headers and truncated files. The writer writes little-endian C order, as <c>np.save</c> does.</para>
/// <para>Example, reading a golden file saved from Keras with <c>np.save("probs.npy", model(x).numpy())</c>:</para>
/// <code>
/// NpyArray probs = NpyFile.Read("probs.npy");
/// float[,] values = (float[,])probs.ToArray();
/// object tensor = probs.ToTensor(TensorEngines.Named("torch"), fromChannelsLast: true);
/// </code>
/// </remarks>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a <c>.npy</c> file.</summary>
    /// <exception cref="InvalidDataException">The file is not a supported <c>.npy</c> file; the message starts with
    /// the path and says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        try { return Parse(bytes); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Reads a <c>.npy</c> array from the rest of a stream (e.g. an entry of a zip archive).</summary>
    /// <exception cref="InvalidDataException">The data is not a supported <c>.npy</c> array.</exception>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Parses the bytes of a whole <c>.npy</c> file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a supported <c>.npy</c> array; the message says why
    /// (e.g. "truncated data: shape (3, 3) needs 72 bytes, file has 70").</exception>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new InvalidDataException("not a NumPy .npy file (bad magic)");
        int major = bytes[6];
        int lengthSize = major == 1 ? 2 : major is 2 or 3 ? 4
            : throw new InvalidDataException($"unsupported .npy format version {major} (supported: 1, 2, 3)");
        int headerStart = 8 + lengthSize;
        if (bytes.Length < headerStart) throw new InvalidDataException("truncated header");
        long headerLength = lengthSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (headerStart + headerLength > bytes.Length)
            throw new InvalidDataException($"truncated header: it needs {headerLength} bytes, file has {bytes.Length - headerStart}");
        // Version 3 allows UTF-8 in the header (field names of structured dtypes); 1 and 2 are Latin-1.
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes.Slice(headerStart, (int)headerLength));

        if (StructuredPattern().IsMatch(header))
            throw new InvalidDataException("unsupported dtype: structured (record) arrays are not supported (save each field as its own array)");
        string descr = Field(header, DescrPattern(), "descr");
        bool fortran = Field(header, FortranPattern(), "fortran_order") == "True";
        long[] shape = Field(header, ShapePattern(), "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s.TrimEnd('L'), out long n) && n >= 0 ? n : throw new InvalidDataException($"bad shape entry '{s}'"))
            .ToArray();
        long count;
        try { count = shape.Aggregate(1L, (a, b) => checked(a * b)); }
        catch (OverflowException) { throw new InvalidDataException($"shape {TensorInfo.FormatShape(shape)} is too large"); }

        (NpyDTypes.Entry entry, bool bigEndian) = NpyDTypes.Parse(descr);
        long needed = count <= Array.MaxLength / entry.Size ? count * entry.Size
            : throw new InvalidDataException($"shape {TensorInfo.FormatShape(shape)} is too large to read into one .NET array");
        int dataStart = headerStart + (int)headerLength;
        if (bytes.Length - dataStart < needed)
            throw new InvalidDataException(
                $"truncated data: shape {TensorInfo.FormatShape(shape)} needs {needed} bytes, file has {bytes.Length - dataStart}");

        Array data = Array.CreateInstance(entry.ElementType, count);
        Span<byte> target = NpyArray.Bytes(data, entry.Size);
        ReadOnlySpan<byte> source = bytes.Slice(dataStart, (int)needed);
        // np.save(path, w.T) writes a transposed C array as it lies in memory, column-major, with fortran_order True.
        if (fortran && shape.Length > 1) ColumnToRowMajor(source, target, shape, entry.Size);
        else source.CopyTo(target);
        if (entry.DType == DType.Bool) NormalizeBools(target);   // NumPy treats any non-zero byte as True
        else if (bigEndian == BitConverter.IsLittleEndian) ReverseEachElement(target, entry.Size);
        return new NpyArray(data, shape);
    }

    /// <summary>Copies column-major (Fortran-order) elements into row-major (C-order) places: element (i0, …, in−1)
    /// sits at Σ i_k·(d0·…·d_{k−1}) in the source and at Σ i_k·(d_{k+1}·…·d_{n−1}) in the target.</summary>
    private static void ColumnToRowMajor(ReadOnlySpan<byte> source, Span<byte> target, long[] shape, int size)
    {
        int rank = shape.Length;
        long count = target.Length / size;
        if (count == 0) return;
        var fortranStride = new long[rank];
        long stride = 1;
        for (int k = 0; k < rank; k++)
        {
            fortranStride[k] = stride;
            stride *= shape[k];
        }
        var index = new long[rank];
        long from = 0;
        for (long to = 0; to < count; to++)
        {
            source.Slice((int)(from * size), size).CopyTo(target.Slice((int)(to * size), size));
            // Advance the row-major index (last axis fastest) and keep the column-major offset in step.
            for (int k = rank - 1; k >= 0; k--)
            {
                from += fortranStride[k];
                if (++index[k] < shape[k]) break;
                from -= fortranStride[k] * shape[k];
                index[k] = 0;
            }
        }
    }

    /// <summary>Writes an array to a <c>.npy</c> file (format 1.0, or 2.0 for headers over 64 KiB), as
    /// <c>np.save</c> does: little-endian, C order, the header padded so the data starts on a 64-byte boundary.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.Create(path);
        Write(stream, array);
    }

    /// <summary>Writes flat row-major <paramref name="data"/> with <paramref name="shape"/> to a <c>.npy</c> file;
    /// see <see cref="NpyArray(Array, long[])"/> for what is accepted.</summary>
    public static void Write(string path, Array data, long[] shape) => Write(path, new NpyArray(data, shape));

    /// <summary>Writes a .NET array of any rank (<c>float[]</c>, <c>double[,]</c>, ...) to a <c>.npy</c> file with its
    /// own shape.</summary>
    public static void Write(string path, Array array) => Write(path, NpyArray.FromArray(array));

    /// <summary>Writes an array in <c>.npy</c> format to a stream.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string dict = $"{{'descr': '{array.Descr}', 'fortran_order': False, 'shape': {TensorInfo.FormatShape(array.Shape)}, }}";
        int major = 10 + dict.Length + 1 <= ushort.MaxValue ? 1 : 2;
        int preamble = major == 1 ? 10 : 12;
        string header = dict + new string(' ', (64 - (preamble + dict.Length + 1) % 64) % 64) + "\n";

        stream.Write(Magic);
        stream.Write([(byte)major, 0]);
        Span<byte> length = stackalloc byte[4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        stream.Write(length[..(major == 1 ? 2 : 4)]);
        stream.Write(Encoding.Latin1.GetBytes(header));

        int size = NpyDTypes.ForDType(array.DType)!.Size;
        Span<byte> raw = NpyArray.Bytes(array.Data, size);
        if (BitConverter.IsLittleEndian || size == 1) stream.Write(raw);
        else
        {
            byte[] copy = raw.ToArray();
            ToLittleEndianOrder(copy, size);
            stream.Write(copy);
        }
    }

    /// <summary>Reverses each element's bytes on a big-endian machine (a no-op on little-endian ones).</summary>
    private static void ToLittleEndianOrder(Span<byte> data, int size)
    {
        if (!BitConverter.IsLittleEndian) ReverseEachElement(data, size);
    }

    private static void ReverseEachElement(Span<byte> data, int size)
    {
        if (size == 1) return;
        for (int i = 0; i < data.Length; i += size) data.Slice(i, size).Reverse();
    }

    private static void NormalizeBools(Span<byte> data)
    {
        for (int i = 0; i < data.Length; i++) data[i] = data[i] != 0 ? (byte)1 : (byte)0;
    }

    private static string Field(string header, Regex pattern, string name)
    {
        Match m = pattern.Match(header);
        return m.Success ? m.Groups[1].Value : throw new InvalidDataException($"header has no '{name}'");
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")] private static partial Regex DescrPattern();
    [GeneratedRegex(@"['""]descr['""]\s*:\s*\[")] private static partial Regex StructuredPattern();
    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")] private static partial Regex FortranPattern();
    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")] private static partial Regex ShapePattern();
}
