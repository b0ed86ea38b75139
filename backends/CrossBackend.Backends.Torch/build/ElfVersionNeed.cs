// The one-bit fix for TorchSharp's libLibTorchSharp.so, written once and compiled twice:
//  * into CrossBackend.Backends.Torch (the run-time fallback, NativeLoadFix), where CROSSBACKEND_TORCH_LIBRARY is
//    defined and only ElfVersionNeed is compiled;
//  * by MSBuild's RoslynCodeTaskFactory from build/CrossBackend.Backends.Torch.targets (the build- and publish-time
//    fix), where the task class below is compiled too.
// The task compilation targets netstandard2.0 (whatever MSBuild hosts it), so this file uses only APIs found there.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !CROSSBACKEND_TORCH_LIBRARY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace CrossBackend.Backends.Torch.Native
{
    /// <summary>Finds and sets the weak bit of one ELF version need (an <c>Elf64_Vernaux</c> entry).</summary>
    /// <remarks>
    /// TorchSharp 0.107.0's shim declares a need for <c>GLIBCXX_3.4.32</c> (GCC 13) only because GCC 13's
    /// <c>&lt;iostream&gt;</c> references <c>std::ios_base_library_init()</c> to force linking a new libstdc++; nothing
    /// calls it. With <c>VER_FLG_WEAK</c> set in that entry's <c>vna_flags</c>, glibc only notes a missing version
    /// and loads the library (Debian 12's libstdc++ stops at 3.4.30); where the version exists the bit changes nothing.
    /// </remarks>
    internal static class ElfVersionNeed
    {
        /// <summary>The version TorchSharp 0.107.0's shim needs and Debian 12 lacks.</summary>
        public const string TorchSharpMissingVersion = "GLIBCXX_3.4.32";

        /// <summary>The file TorchSharp loads first.</summary>
        public const string TorchSharpShimFileName = "libLibTorchSharp.so";

        private const ushort VerFlgWeak = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>What <see cref="MarkWeak"/> found.</summary>
        public enum Result
        {
            /// <summary>Not an ELF64 little-endian file, or no need for the version.</summary>
            NoSuchNeed,
            /// <summary>The need was weak already.</summary>
            AlreadyWeak,
            /// <summary>The weak bit was set in the buffer.</summary>
            Marked,
        }

        /// <summary>Sets the weak bit of the <paramref name="versionName"/> need in <paramref name="elf"/> (in memory).</summary>
        public static Result MarkWeak(byte[] elf, string versionName)
        {
            int offset = FindFlagsOffset(elf, versionName);
            if (offset < 0) return Result.NoSuchNeed;
            ushort flags = ReadU16(elf, offset);
            if ((flags & VerFlgWeak) != 0) return Result.AlreadyWeak;
            flags |= VerFlgWeak;
            elf[offset] = (byte)flags;
            elf[offset + 1] = (byte)(flags >> 8);
            return Result.Marked;
        }

        /// <summary>Whether the file declares a need for <paramref name="versionName"/> that is not weak.</summary>
        public static bool HasStrongNeed(byte[] elf, string versionName)
        {
            int offset = FindFlagsOffset(elf, versionName);
            return offset >= 0 && (ReadU16(elf, offset) & VerFlgWeak) == 0;
        }

        /// <summary>Byte offset of <c>vna_flags</c> for the named version need, or -1 when there is none (or the file
        /// is not a well-formed ELF64 little-endian file: every read is bounds-checked, nothing throws).</summary>
        public static int FindFlagsOffset(byte[] elf, string versionName)
        {
            if (elf == null || elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L'
                || elf[3] != (byte)'F' || elf[4] != 2 /* ELFCLASS64 */ || elf[5] != 1 /* little-endian */)
                return -1;
            long shoff = ReadI64(elf, 0x28);
            int shentsize = ReadU16(elf, 0x3A);
            int shnum = ReadU16(elf, 0x3C);
            if (shoff <= 0 || shentsize < 0x40) return -1;
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (!Fits(elf, sh, 0x40)) return -1;
                if (ReadU32(elf, sh + 4) != ShtGnuVerneed) continue;
                long section = ReadI64(elf, sh + 0x18);
                long sectionEnd = section + ReadI64(elf, sh + 0x20);
                long strSh = shoff + (long)ReadU32(elf, sh + 0x28) * shentsize;
                if (!Fits(elf, strSh, 0x40)) return -1;
                long strings = ReadI64(elf, strSh + 0x18);
                long need = section;
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                for (int guard = 0; guard < 4096 && Fits(elf, need, 16) && need < sectionEnd; guard++)
                {
                    int count = ReadU16(elf, need + 2);
                    long aux = need + ReadU32(elf, need + 8);
                    for (int a = 0; a < count && Fits(elf, aux, 16); a++)
                    {
                        if (NameEquals(elf, strings + ReadU32(elf, aux + 8), versionName)) return (int)(aux + 4);
                        uint nextAux = ReadU32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = ReadU32(elf, need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            return -1;
        }

        private static bool Fits(byte[] b, long offset, int length) => offset >= 0 && offset + length <= b.Length;

        private static ushort ReadU16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);

        private static uint ReadU32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

        private static long ReadI64(byte[] b, long o) => !Fits(b, o, 8) ? -1 : (long)(ReadU32(b, o) | (ulong)ReadU32(b, o + 4) << 32);

        private static bool NameEquals(byte[] b, long start, string name)
        {
            byte[] expected = Encoding.ASCII.GetBytes(name);
            if (!Fits(b, start, expected.Length + 1)) return false;
            for (int i = 0; i < expected.Length; i++)
                if (b[start + i] != expected[i]) return false;
            return b[start + expected.Length] == 0;
        }
    }
}

#if !CROSSBACKEND_TORCH_LIBRARY
/// <summary>
/// MSBuild task: for each <c>libLibTorchSharp.so</c> item, a copy under <see cref="OutputDirectory"/> with the
/// <c>GLIBCXX_3.4.32</c> need marked weak, carrying the item's metadata (so it lands where the original would have).
/// Items without that need (or already weak) come back unchanged. The original (the NuGet cache's copy) is only read.
/// </summary>
public sealed class CrossBackendMarkVersionNeedWeak : Task
{
    /// <summary>The copy-local or publish items to fix.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = new ITaskItem[0];

    /// <summary>Where the patched copies go (the project's intermediate folder).</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>The version need to mark weak.</summary>
    public string VersionName { get; set; } = CrossBackend.Backends.Torch.Native.ElfVersionNeed.TorchSharpMissingVersion;

    /// <summary>The items to use instead of <see cref="Files"/>, one for one.</summary>
    [Output]
    public ITaskItem[] Result { get; set; } = new ITaskItem[0];

    /// <inheritdoc/>
    public override bool Execute()
    {
        var result = new List<ITaskItem>();
        foreach (ITaskItem item in Files)
        {
            string source = item.GetMetadata("FullPath");
            byte[] bytes = File.ReadAllBytes(source);
            var outcome = CrossBackend.Backends.Torch.Native.ElfVersionNeed.MarkWeak(bytes, VersionName);
            if (outcome != CrossBackend.Backends.Torch.Native.ElfVersionNeed.Result.Marked)
            {
                Log.LogMessage(MessageImportance.Low, "CrossBackend: {0}: {1}", source, outcome);
                result.Add(item);
                continue;
            }
            // One folder per source file, so two packages' copies never collide.
            string target = Path.Combine(OutputDirectory, StableHash(source), Path.GetFileName(source));
            if (!File.Exists(target) || !SameBytes(File.ReadAllBytes(target), bytes))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                // Write beside, then move over: a reader (or a hard link from an output folder) never sees half a file.
                string temp = target + ".tmp";
                File.WriteAllBytes(temp, bytes);
                if (File.Exists(target)) File.Delete(target);
                File.Move(temp, target);
                Log.LogMessage(MessageImportance.Normal, "CrossBackend: {0} with {1} marked weak -> {2}", source, VersionName, target);
            }
            var patched = new TaskItem(target);
            item.CopyMetadataTo(patched);
            patched.SetMetadata("CrossBackendOriginalPath", source);
            result.Add(patched);
        }
        Result = result.ToArray();
        return !Log.HasLoggedErrors;
    }

    private static bool SameBytes(byte[] a, byte[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (a[i] != b[i]) return false;
        return true;
    }

    private static string StableHash(string text)
    {
        // FNV-1a: string.GetHashCode is randomised per process, and the folder must be stable across builds.
        uint hash = 2166136261;
        foreach (char c in text) { hash ^= c; hash *= 16777619; }
        return hash.ToString("x8");
    }
}
#endif
