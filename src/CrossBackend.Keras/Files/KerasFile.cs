using System.IO.Compression;
using System.Text;
using PureHDF;

namespace CrossBackend.Keras;

/// <summary>
/// What a Keras file holds, read eagerly and unchanged: its format, the architecture JSON (when it has one) and
/// every saved variable in Keras's own layout. <see cref="KerasModel"/> turns this into a layer graph.
/// </summary>
/// <remarks>Files are recognised by content, not by extension: an HDF5 signature (Keras 2 <c>.h5</c> or Keras 3
/// <c>.weights.h5</c>) or a zip archive (Keras 3 <c>.keras</c>). Anything else, and damaged or truncated files,
/// throw <see cref="InvalidDataException"/> naming the file and the problem.</remarks>
public sealed class KerasFile
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];
    private static readonly byte[] ZipSignature = [(byte)'P', (byte)'K', 3, 4];

    private KerasFile(string path, KerasFileFormat format, string? kerasVersion, string? configJson, IReadOnlyList<KerasWeightGroup> groups)
    {
        Path = path;
        Format = format;
        KerasVersion = kerasVersion;
        ConfigJson = configJson;
        WeightGroups = groups;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The layout found.</summary>
    public KerasFileFormat Format { get; }

    /// <summary>The Keras version that wrote the file, when recorded (<c>keras_version</c>, or the archive's
    /// <c>metadata.json</c>).</summary>
    public string? KerasVersion { get; }

    /// <summary>The architecture as JSON (<c>{"class_name": …, "config": …}</c>), or null for weights-only files.</summary>
    public string? ConfigJson { get; }

    /// <summary>Whether the file carries its architecture (full-model .h5 and .keras files).</summary>
    public bool HasArchitecture => ConfigJson is not null;

    /// <summary>The saved variables, one group per layer (layers without variables have empty groups).</summary>
    public IReadOnlyList<KerasWeightGroup> WeightGroups { get; }

    /// <summary>Reads a Keras file.</summary>
    /// <param name="path">A Keras 2 <c>.h5</c> (full model or weights), a Keras 3 <c>.keras</c> archive or a Keras 3
    /// <c>.weights.h5</c> file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a Keras file, or is damaged or truncated.</exception>
    /// <exception cref="NotSupportedException">The file uses something this reader does not handle (npz weights,
    /// integer or bfloat16 variables).</exception>
    public static KerasFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Keras file not found: {path}", path);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            if (bytes.AsSpan().StartsWith(ZipSignature)) return ReadArchive(path, bytes);
            if (IsHdf5(bytes)) return ReadHdf5(path, new MemoryStream(bytes, writable: false), archive: false, null);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw Rewrap(e, path);
        }
        catch (Exception e)
        {
            throw new InvalidDataException(
                $"{path}: cannot read the file; it is damaged or truncated ({e.GetType().Name}: {FirstLine(e.Message)})", e);
        }
        string hint = bytes.Length == 0 ? "the file is empty"
            : bytes[0] == (byte)'{' ? "it looks like JSON: a model config without weights (pass it as the architecture of a weights file)"
            : "it is neither HDF5 (Keras .h5 / .weights.h5) nor a zip archive (Keras 3 .keras)";
        throw new InvalidDataException($"{path}: not a Keras model file: {hint}");
    }

    private static Exception Rewrap(Exception e, string path) => e.Message.StartsWith(path, StringComparison.Ordinal) ? e
        : e is NotSupportedException ? new NotSupportedException($"{path}: {e.Message}", e)
        : new InvalidDataException($"{path}: {e.Message}", e);

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd();

    /// <summary>HDF5 allows a user block before the superblock: the signature sits at 0, 512, 1024, 2048, ….</summary>
    private static bool IsHdf5(byte[] bytes)
    {
        for (long offset = 0; offset + Hdf5Signature.Length <= bytes.Length; offset = offset == 0 ? 512 : offset * 2)
            if (bytes.AsSpan((int)offset, Hdf5Signature.Length).SequenceEqual(Hdf5Signature)) return true;
        return false;
    }

    private static KerasFile ReadHdf5(string path, Stream stream, bool archive, string? archiveConfig)
    {
        using var file = H5File.Open(stream, leaveOpen: false);
        if (archive)
        {
            return KerasHdf5.Keras3LayersGroup(file) is null
                ? throw new InvalidDataException("model.weights.h5 in the archive has no `layers` group")
                : new KerasFile(path, KerasFileFormat.Keras3Archive, null, archiveConfig, KerasHdf5.ReadKeras3(file));
        }
        string? version = KerasHdf5.ReadString(file, "keras_version");
        if (file.AttributeExists("model_config"))
        {
            string config = KerasHdf5.ReadString(file, "model_config")!;
            if (!file.LinkExists("model_weights"))
                throw new InvalidDataException("the file has a `model_config` but no `model_weights` group");
            IH5Group weights = file.Group("model_weights");
            return new KerasFile(path, KerasFileFormat.Keras2FullModel, version ?? KerasHdf5.ReadString(weights, "keras_version"),
                config, KerasHdf5.ReadKeras2(weights));
        }
        if (KerasHdf5.HasKeras2Index(file))
            return new KerasFile(path, KerasFileFormat.Keras2Weights, version, null, KerasHdf5.ReadKeras2(file));
        if (KerasHdf5.Keras3LayersGroup(file) is not null)
            return new KerasFile(path, KerasFileFormat.Keras3Weights, version, null, KerasHdf5.ReadKeras3(file));
        throw new InvalidDataException(
            "an HDF5 file, but not one Keras wrote: no `model_config` or `layer_names` attribute and no `layers` group");
    }

    private static KerasFile ReadArchive(string path, byte[] bytes)
    {
        ZipArchive zip;
        try { zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw new InvalidDataException($"the .keras zip archive is damaged or truncated ({e.Message})", e); }
        using (zip) return ReadArchive(path, zip);
    }

    private static KerasFile ReadArchive(string path, ZipArchive zip)
    {
        ZipArchiveEntry config = zip.GetEntry("config.json")
            ?? throw new InvalidDataException("a zip archive without `config.json`: not a Keras 3 .keras file");
        string configJson = ReadText(config);
        ZipArchiveEntry? weights = zip.GetEntry("model.weights.h5");
        if (weights is null)
        {
            if (zip.GetEntry("model.weights.npz") is not null)
                throw new NotSupportedException("the archive stores its weights as model.weights.npz; only model.weights.h5 (Keras's default) is supported");
            throw new InvalidDataException("the .keras archive has no `model.weights.h5`");
        }
        var h5 = new MemoryStream();
        using (Stream s = weights.Open()) s.CopyTo(h5);
        h5.Position = 0;
        if (!IsHdf5(h5.GetBuffer()[..(int)Math.Min(h5.Length, 4096)]))
            throw new InvalidDataException("model.weights.h5 in the archive is not an HDF5 file");
        KerasFile file = ReadHdf5(path, h5, archive: true, configJson);
        string? version = null;
        if (zip.GetEntry("metadata.json") is { } metadata)
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(ReadText(metadata));
                if (doc.RootElement.TryGetProperty("keras_version", out var v)) version = v.GetString();
            }
            catch (System.Text.Json.JsonException) { /* the version is informational only */ }
        }
        return new KerasFile(path, KerasFileFormat.Keras3Archive, version, configJson, file.WeightGroups);
    }

    private static string ReadText(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
