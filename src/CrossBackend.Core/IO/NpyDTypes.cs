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
    public const string SupportedText = "float16, float32, float64, int8, int16, int32, int64, uint8, bool; little-endian";

    public static Entry? ForElementType(Type elementType) => Array.Find(Table, e => e.ElementType == elementType);

    public static Entry? ForDType(DType dtype) => Array.Find(Table, e => e.DType == dtype);

    /// <summary>The entry for a header's descr, or a <see cref="InvalidDataException"/> saying why it is refused.
    /// NumPy writes '|' (not applicable) for one-byte types and '&lt;'/'&gt;' for the others; '=' (native) is
    /// little-endian on every platform .NET runs on here.</summary>
    public static Entry Parse(string descr)
    {
        if (descr.Length >= 2)
        {
            char order = descr[0];
            string kind = descr[1..];
            Entry? match = Array.Find(Table, e => e.Descr[1..] == kind);
            if (match is not null)
            {
                bool littleEndian = order == '<' || (order == '=' && BitConverter.IsLittleEndian);
                if (match.Size == 1 ? order is '|' or '<' or '>' or '=' : littleEndian) return match;
                if (order == '>')
                    throw new InvalidDataException(
                        $"unsupported dtype '{descr}': big-endian data (save it little-endian, e.g. a.astype('<{kind}'))");
            }
            if (kind.StartsWith('O'))
                throw new InvalidDataException(
                    $"unsupported dtype '{descr}': object arrays hold pickled Python objects and cannot be read (save a numeric array)");
        }
        throw new InvalidDataException($"unsupported dtype '{descr}' (supported: {SupportedText})");
    }
}
