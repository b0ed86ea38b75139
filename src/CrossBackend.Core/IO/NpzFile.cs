using System.IO.Compression;

namespace CrossBackend.IO;

/// <summary>
/// Reads and writes NumPy <c>.npz</c> files: a zip archive of <c>.npy</c> arrays, stored (<c>np.savez</c>) or
/// deflated (<c>np.savez_compressed</c>). Arrays are named as in NumPy: the entry name without <c>.npy</c>.
/// </summary>
/// <remarks>
/// Example, comparing against golden values saved from PyTorch with
/// <c>np.savez("golden.npz", logits=x.numpy(), loss=l.numpy())</c>:
/// <code>
/// IReadOnlyDictionary&lt;string, NpyArray&gt; golden = NpzFile.Read("golden.npz");
/// object logits = golden["logits"].ToTensor(engine);
/// double[] loss = golden["loss"].ToDoubleArray();
/// </code>
/// Each array follows <see cref="NpyFile"/>'s rules (supported dtypes, C order, little-endian).
/// </remarks>
public static class NpzFile
{
    /// <summary>Reads every array of a <c>.npz</c> file, in archive order.</summary>
    /// <exception cref="InvalidDataException">The file is not a zip archive, or an entry is not a supported
    /// <c>.npy</c> array; the message names the path and the entry.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.OpenRead(path);
        try { return Read(stream); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Reads one array of a <c>.npz</c> file by name, leaving the others unread (so an archive may also
    /// hold arrays this reader does not support, such as strings).</summary>
    /// <exception cref="KeyNotFoundException">The archive has no array <paramref name="name"/>; the message lists its arrays.</exception>
    /// <exception cref="InvalidDataException">The file is not a zip archive or the array is not supported.</exception>
    public static NpyArray Read(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(name);
        ZipArchive archive;
        try { archive = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: not a NumPy .npz file (not a zip archive: {e.Message})", e); }
        using (archive)
        {
            ZipArchiveEntry entry = archive.GetEntry(name + ".npy") ?? throw new KeyNotFoundException(
                $"{path} has no array '{name}'. Its arrays: {string.Join(", ", archive.Entries.Select(e => e.FullName.EndsWith(".npy") ? e.FullName[..^4] : e.FullName))}");
            try
            {
                using Stream data = entry.Open();
                return NpyFile.Read(data);
            }
            catch (InvalidDataException e) { throw new InvalidDataException($"{path}: array '{name}': {e.Message}", e); }
        }
    }

    /// <summary>Reads every array of a <c>.npz</c> archive from a stream, in archive order.</summary>
    /// <exception cref="InvalidDataException">The data is not a zip archive, or an entry is not a supported
    /// <c>.npy</c> array.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ZipArchive archive;
        try { archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new InvalidDataException($"not a NumPy .npz file (not a zip archive: {e.Message})", e); }
        using (archive)
        {
            var arrays = new OrderedDictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;   // a directory record
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    throw new InvalidDataException($"entry '{entry.FullName}' is not a .npy array");
                string name = entry.FullName[..^4];
                NpyArray array;
                try
                {
                    using Stream data = entry.Open();
                    array = NpyFile.Read(data);
                }
                catch (InvalidDataException e) { throw new InvalidDataException($"array '{name}': {e.Message}", e); }
                if (!arrays.TryAdd(name, array)) throw new InvalidDataException($"array '{name}' appears twice");
            }
            return arrays;
        }
    }

    /// <summary>Writes arrays to a <c>.npz</c> file, each as the entry <c>NAME.npy</c>.</summary>
    /// <param name="path">The file to create (replaced if it exists).</param>
    /// <param name="arrays">Name → array; names must be non-empty and distinct.</param>
    /// <param name="compressed">False: stored entries, as <c>np.savez</c>; true: deflated, as <c>np.savez_compressed</c>.</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = File.Create(path);
        Write(stream, arrays, compressed);
    }

    /// <summary>Writes arrays in <c>.npz</c> format to a stream (left open).</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="arrays">Name → array; names must be non-empty and distinct.</param>
    /// <param name="compressed">False: stored entries, as <c>np.savez</c>; true: deflated, as <c>np.savez_compressed</c>.</param>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach ((string name, NpyArray array) in arrays)
        {
            if (string.IsNullOrEmpty(name) || !seen.Add(name))
                throw new ArgumentException(
                    $"Argument `arrays` must have distinct, non-empty names. Received: name='{name}'", nameof(arrays));
            ArgumentNullException.ThrowIfNull(array, $"arrays[{name}]");
            ZipArchiveEntry entry = archive.CreateEntry(name + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using Stream data = entry.Open();
            NpyFile.Write(data, array);
        }
    }
}
