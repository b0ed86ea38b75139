using CrossBackend.IO;

namespace CrossBackend.Cli;

/// <summary>
/// The CLI's view of a <c>.npy</c> option: read with the core reader (<see cref="NpyFile"/>), limited to the dtypes
/// the engines take from arrays, and every failure turned into one <see cref="CliException"/> line naming the option
/// and the file.
/// </summary>
internal static class NpyInput
{
    /// <summary>A floating-point array's values as float64, or as float32 (the engines' one dtype beside a float32
    /// or float16 y_pred).</summary>
    public static Array FloatValues(NpyArray a, bool float64)
    {
        double[] values = a.ToDoubleArray();
        return float64 ? values : values.Select(v => (float)v).ToArray();
    }

    /// <summary>Reads <paramref name="path"/> given as <paramref name="option"/>: a <c>.npy</c> file, or one array of a
    /// <c>.npz</c> archive as <c>FILE.npz:NAME</c> (so goldens saved with <c>np.savez</c>, such as the Keras tests'
    /// <c>lenet_golden.npz:inputs</c>, need no extraction). uint8 and bool arrays come back as int32 data (the engines
    /// create tensors from float, double, int and long arrays); float16 stays float16 (<see cref="NpyArray.ToTensor"/>
    /// creates it in float32 and casts once, exactly).</summary>
    public static NpyArray Read(string path, string option)
    {
        int npz = path.LastIndexOf(".npz:", StringComparison.OrdinalIgnoreCase);
        if (npz < 0 && !path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new CliException($"{option} {path}: not a .npy file (expected a NumPy .npy file, or FILE.npz:NAME for one array of a .npz)");
        // A folder read as a file is "Access to the path … is denied" on Linux, which points at permissions instead.
        string file = npz >= 0 ? path[..(npz + 4)] : path;
        if (Directory.Exists(file))
            throw new CliException($"{option} {path}: is a directory, not a file (give the path of a .npy file)");
        NpyArray array;
        try { array = npz >= 0 ? NpzFile.Read(file, path[(npz + 5)..]) : NpyFile.Parse(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} {path}: cannot read file ({e.Message})");
        }
        catch (Exception e) when (e is InvalidDataException or KeyNotFoundException)
        {
            throw new CliException(e.Message.StartsWith(path[..(npz >= 0 ? npz + 4 : path.Length)], StringComparison.Ordinal) ? $"{option} {e.Message}" : $"{option} {path}: {e.Message}");
        }
        return array.DType switch
        {
            DType.Float16 or DType.Float32 or DType.Float64 or DType.Int32 or DType.Int64 => array,
            DType.UInt8 => new NpyArray(((byte[])array.Data).Select(v => (int)v).ToArray(), array.Shape),
            DType.Bool => new NpyArray(((bool[])array.Data).Select(v => v ? 1 : 0).ToArray(), array.Shape),
            // The header's code, as the core's messages give it, and the NumPy name the README promises.
            _ => throw new CliException(
                $"{option} {path}: unsupported dtype '{array.Descr}' ({array.DType.Name()}; supported here: float16, float32, float64, int32, int64, uint8, bool). " +
                "Save an int32 copy: np.save(path, a.astype('<i4'))"),
        };
    }
}
