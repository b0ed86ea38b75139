namespace CrossBackend.IO;

/// <summary>The NumPy element types the <c>.npy</c> reader and writer support: descr string, .NET element type,
/// <see cref="DType"/> and size, in one table so the reader, the writer and <see cref="NpyArray"/> agree.</summary>
internal static class NpyDTypes
{
    internal sealed record Entry(string Descr, DType DType, Type ElementType, int Size);

    private static readonly Entry[] Table =
    [
        new("<f2", DType.Float16, typeof(Half), 2),
        new("<f4", DType.Float32, typeof(float), 4),
        new("<f8", DType.Float64, typeof(double), 8),
        new("|i1", DType.Int8, typeof(sbyte), 1),
        new("<i2", DType.Int16, typeof(short), 2),
        new("<i4", DType.Int32, typeof(int), 4),
        new("<i8", DType.Int64, typeof(long), 8),
        new("|u1", DType.UInt8, typeof(byte), 1),
        new("|b1", DType.Bool, typeof(bool), 1),
    ];

    /// <summary>What the error messages list as supported.</summary>
    public const string SupportedText = "float16, float32, float64, int8, int16, int32, int64, uint8, bool; either byte order";

    public static Entry? ForElementType(Type elementType) => Array.Find(Table, e => e.ElementType == elementType);

    public static Entry? ForDType(DType dtype) => Array.Find(Table, e => e.DType == dtype);

    /// <summary>The entry for a header's descr and whether its bytes are big-endian, or an
    /// <see cref="InvalidDataException"/> saying why it is refused and what to save instead. NumPy writes '|' (not
    /// applicable) for one-byte types and '&lt;'/'&gt;' for the others ('&gt;f4' from <c>a.astype('&gt;f4')</c> or
    /// data read from a big-endian format); '=' (native) is the writing machine's order, taken as little-endian, as
    /// on every machine NumPy and .NET run on here.</summary>
    public static (Entry Entry, bool BigEndian) Parse(string descr)
    {
        if (descr.Length >= 2 && descr[0] is '<' or '>' or '|' or '=')
        {
            char order = descr[0];
            string kind = descr[1..];
            Entry? match = Array.Find(Table, e => e.Descr[1..] == kind);
            if (match is not null && (match.Size == 1 || order != '|')) return (match, match.Size > 1 && order == '>');
            if (kind is "u2" or "u4" or "u8")
            {
                string signed = kind == "u2" ? "i4" : "i8";
                throw new InvalidDataException(
                    $"unsupported dtype '{descr}': unsigned {8 * (kind[1] - '0')}-bit integers have no CrossBackend dtype (supported: {SupportedText}). " +
                    $"Save a signed copy that holds every value, as the engines widen unsigned arrays: np.save(path, a.astype('<{signed}'))" +
                    (kind == "u8" ? " (values above 2**63 - 1 need float64: a.astype('<f8'))" : ""));
            }
            if (kind is "c8" or "c16" or "c32")
                throw new InvalidDataException(
                    $"unsupported dtype '{descr}': complex arrays are not supported (supported: {SupportedText}). Save the real and " +
                    "imaginary parts as a real array with a last axis of 2: np.save(path, np.stack([a.real, a.imag], axis=-1))");
            if (kind.StartsWith('O'))
                throw new InvalidDataException(
                    $"unsupported dtype '{descr}': object arrays hold pickled Python objects and cannot be read (save a numeric array)");
        }
        throw new InvalidDataException(
            $"unsupported dtype '{descr}' (supported: {SupportedText}). Save a copy of a supported dtype, e.g. np.save(path, a.astype('<f8'))");
    }
}
