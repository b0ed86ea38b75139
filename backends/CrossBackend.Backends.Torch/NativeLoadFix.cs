using System.Runtime.InteropServices;
using System.Text;
using CrossBackend.Backends.Torch.Native;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// The run-time fallback of the TorchSharp native fix (the build targets in <c>build/</c> normally did it already):
/// makes TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> loadable on systems whose libstdc++ predates GCC 13.
/// </summary>
/// <remarks>
/// <para>Runs only when the torch engine is used (a torch tensor handled by CrossBackend, or
/// <see cref="TorchEngine.EnsureNativeLoadable"/>), never at assembly load or engine discovery, and never throws:
/// where it cannot write, it records how to fix it, and <see cref="ThrowIfUnloadable"/> says so.</para>
/// <para>Only where the process's libstdc++ lacks the version, it sets the weak bit (see
/// <see cref="ElfVersionNeed"/>) in the copy beside the application (the file TorchSharp loads first), never in the
/// NuGet cache: the patched bytes go to a new file that is renamed over the copy, so even a hard-linked copy leaves
/// the cache's inode untouched.</para>
/// </remarks>
internal static class NativeLoadFix
{
    private static readonly object Gate = new();
    private static volatile bool _applied;
    private static volatile bool _loadable;
    private static string? _problem;

    /// <summary>What <see cref="Apply"/> found or did, for diagnostics and tests.</summary>
    public static string LastOutcome { get; private set; } = "not run";

    /// <summary>Applies the fix once per process, before TorchSharp's native loader runs. Never throws.</summary>
    public static void Apply()
    {
        if (_applied) return;
        lock (Gate)
        {
            if (_applied) return;
            try { LastOutcome = ApplyCore(out _problem); }
            catch (Exception e) { LastOutcome = $"not applied: {e.GetType().Name}: {e.Message}"; }
            _applied = true;
        }
    }

    /// <summary>Applies the fix, then throws <see cref="InvalidOperationException"/> saying how to fix it when the
    /// shim still cannot load here (the copy could not be patched and the system lacks the version).</summary>
    public static void ThrowIfUnloadable()
    {
        if (_loadable) return;
        Apply();
        lock (Gate)
        {
            if (_problem is not null && !CanLoad())
                throw new InvalidOperationException(_problem);
            _loadable = true;
        }
    }

    private static string[] Candidates() =>
    [
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", ElfVersionNeed.TorchSharpShimFileName),
        Path.Combine(AppContext.BaseDirectory, ElfVersionNeed.TorchSharpShimFileName),
    ];

    // Our reading of the system could be wrong (a libstdc++ not loaded yet, a custom LD_LIBRARY_PATH): ask the loader
    // itself before blaming the file. TorchSharp loads the same file next, so nothing is loaded that would not be.
    private static bool CanLoad() =>
        Candidates().Where(File.Exists).Any(path => NativeLibrary.TryLoad(path, out _));

    private static string ApplyCore(out string? problem)
    {
        problem = null;
        string version = ElfVersionNeed.TorchSharpMissingVersion;
        if (!OperatingSystem.IsLinux()) return "not Linux: nothing to do";
        if (SystemLibStdCxxHas(version)) return $"system libstdc++ provides {version}: nothing to do";
        var outcomes = new List<string>();
        foreach (string path in Candidates().Where(File.Exists))
        {
            try { outcomes.Add(PatchFile(path)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                outcomes.Add($"{path}: could not write ({e.GetType().Name})");
                problem ??=
                    $"TorchSharp's native library cannot load on this system: {path} needs {version} (the libstdc++ of " +
                    $"GCC 13), which this system's libstdc++ lacks, and CrossBackend could not mark that need weak in " +
                    $"place ({e.GetType().Name}: {e.Message}). To fix it: build or publish the application with the " +
                    "CrossBackend.Backends.Torch package (or project) referenced: its build targets patch the copy in " +
                    $"the output and publish folders; or run the application once with write access to " +
                    $"{Path.GetDirectoryName(path)}; or install a libstdc++ from GCC 13 or newer.";
            }
        }
        return outcomes.Count == 0 ? "libLibTorchSharp.so not found beside the application" : string.Join("; ", outcomes);
    }

    /// <summary>Marks the <paramref name="versionName"/> need in an ELF64 file weak, by writing a new file and renaming
    /// it over <paramref name="path"/>; returns what it did. Throws what the file system throws.</summary>
    public static string PatchFile(string path, string versionName = ElfVersionNeed.TorchSharpMissingVersion)
    {
        byte[] bytes = File.ReadAllBytes(path);
        switch (ElfVersionNeed.MarkWeak(bytes, versionName))
        {
            case ElfVersionNeed.Result.NoSuchNeed: return $"{path}: no {versionName} need";
            case ElfVersionNeed.Result.AlreadyWeak: return $"{path}: already weak";
        }
        string temp = path + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return $"{path}: marked {versionName} weak";
    }

    /// <summary>Whether the libstdc++ this process uses (or the system's default one) defines the version.</summary>
    private static bool SystemLibStdCxxHas(string versionName)
    {
        string? path = null;
        try
        {
            path = File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length >= 6 && Path.GetFileName(p[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))
                .Select(p => p[5]).FirstOrDefault();
        }
        catch (IOException) { }
        if (path is null && NativeLibrary.TryLoad("libstdc++.so.6", out IntPtr handle))
        {
            // Loaded by name: find where the loader took it from.
            NativeLibrary.Free(handle);
            path = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }
                .FirstOrDefault(File.Exists);
        }
        if (path is null || !File.Exists(path)) return false;
        byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }
}
