using System.Runtime.InteropServices;
using System.Text;

namespace CrossBackend.Backends.Torch;

/// <summary>
/// Makes TorchSharp 0.107.0's <c>libLibTorchSharp.so</c> loadable on systems whose libstdc++ predates GCC 13
/// (Debian 12 stops at GLIBCXX_3.4.30).
/// </summary>
/// <remarks>
/// <para>The shim declares a need for <c>GLIBCXX_3.4.32</c> only because GCC 13's <c>&lt;iostream&gt;</c> references
/// <c>std::ios_base_library_init()</c> to force linking a new libstdc++; nothing calls it. Marking that one version
/// need weak (the <c>VER_FLG_WEAK</c> bit in its <c>Elf64_Vernaux.vna_flags</c>) lets glibc load the library while
/// still resolving every other symbol normally.</para>
/// <para>The fix is applied to the copy in the application's own output folder (the file TorchSharp loads first),
/// never to the NuGet cache: the patched bytes go to a new file that atomically replaces the copy, so even a
/// hard-linked copy leaves the cache's inode untouched. Nothing happens where the process's libstdc++ already
/// provides the version, where the copy is already patched, or on non-Linux systems.</para>
/// </remarks>
public static class NativeLoadFix
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const ushort VerFlgWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private static readonly object Gate = new();
    private static bool _done;

    /// <summary>What <see cref="Apply"/> found or did, for diagnostics and tests.</summary>
    public static string LastOutcome { get; private set; } = "not run";

    /// <summary>Applies the fix once per process, before TorchSharp's native loader runs. Safe to call repeatedly.</summary>
    public static void Apply()
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            LastOutcome = ApplyCore();
        }
    }

    private static string ApplyCore()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux: nothing to do";
        if (SystemLibStdCxxHas(MissingVersion)) return $"system libstdc++ provides {MissingVersion}: nothing to do";
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
        };
        var outcomes = new List<string>();
        foreach (var path in candidates.Where(File.Exists))
            outcomes.Add(PatchFile(path));
        return outcomes.Count == 0 ? "libLibTorchSharp.so not found beside the application" : string.Join("; ", outcomes);
    }

    /// <summary>Marks the <paramref name="versionName"/> need in an ELF64 file weak; returns what it did.</summary>
    public static string PatchFile(string path, string versionName = MissingVersion)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int offset = FindVersionNeedFlags(bytes, versionName);
        if (offset < 0) return $"{path}: no {versionName} need";
        ushort flags = BitConverter.ToUInt16(bytes, offset);
        if ((flags & VerFlgWeak) != 0) return $"{path}: already weak";
        BitConverter.TryWriteBytes(bytes.AsSpan(offset, 2), (ushort)(flags | VerFlgWeak));
        // Write beside, then rename over: the original inode (possibly the NuGet cache's, if hard-linked) is untouched.
        string temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        return $"{path}: marked {versionName} weak";
    }

    /// <summary>Byte offset of <c>vna_flags</c> for the named version need, or -1 when the file has none.</summary>
    public static int FindVersionNeedFlags(byte[] elf, string versionName)
    {
        // ELF64 little-endian only (x86-64 / arm64 Linux).
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
            return -1;
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            long secOffset = BitConverter.ToInt64(elf, sh + 0x18);
            int link = BitConverter.ToInt32(elf, sh + 0x28);
            int strSh = checked((int)(shoff + (long)link * shentsize));
            long strOffset = BitConverter.ToInt64(elf, strSh + 0x18);
            long need = secOffset;
            while (true)
            {
                int cnt = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < cnt; a++)
                {
                    uint nameOff = BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, strOffset + nameOff) == versionName) return (int)aux + 4;
                    uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return -1;
    }

    private static string ReadCString(byte[] bytes, long start)
    {
        int s = (int)start, e = s;
        while (e < bytes.Length && bytes[e] != 0) e++;
        return Encoding.ASCII.GetString(bytes, s, e - s);
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
