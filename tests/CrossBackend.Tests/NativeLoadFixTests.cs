using CrossBackend.Backends.Torch;
using CrossBackend.Backends.Torch.Native;

namespace CrossBackend.Tests;

/// <summary>The one-bit ELF fix: exactly the GLIBCXX_3.4.32 need becomes weak, only in copies, and the build already
/// did it for this test assembly's own output folder.</summary>
public sealed class NativeLoadFixTests
{
    private const string Version = ElfVersionNeed.TorchSharpMissingVersion;

    private static string PackageCopy()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(path)) Assert.Ignore($"TorchSharp's package copy is not at {path}");
        return path;
    }

    [Test]
    public void PatchSetsOnlyTheWeakBitAndLeavesTheOriginalAlone()
    {
        string original = PackageCopy();
        byte[] before = File.ReadAllBytes(original);
        int offset = ElfVersionNeed.FindFlagsOffset(before, Version);
        Assert.That(offset, Is.GreaterThan(0), "the shipped shim declares the GLIBCXX_3.4.32 need");
        Assert.That(BitConverter.ToUInt16(before, offset) & 2, Is.EqualTo(0), "and it is not weak as shipped");

        string dir = Directory.CreateTempSubdirectory("cb-elf").FullName;
        try
        {
            string copy = Path.Combine(dir, "libLibTorchSharp.so");
            File.Copy(original, copy);
            Assert.That(NativeLoadFix.PatchFile(copy), Does.Contain("marked GLIBCXX_3.4.32 weak"));
            byte[] after = File.ReadAllBytes(copy);
            int differing = Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]);
            Assert.That(differing, Is.EqualTo(1));
            Assert.That(after[offset] ^ before[offset], Is.EqualTo(2), "the VER_FLG_WEAK bit");
            Assert.That(NativeLoadFix.PatchFile(copy), Does.Contain("already weak"));
            Assert.That(File.ReadAllBytes(original), Is.EqualTo(before), "the package cache is untouched");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void TheBuildPatchedTheCopyBesideThisAssembly()
    {
        // The torch engine's build targets (imported by Directory.Build.targets) replace the copy-local shim with a
        // patched copy from obj/: the file the test host loads is weak before any test code runs.
        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.That(File.Exists(path), Is.True, path);
        byte[] bytes = File.ReadAllBytes(path);
        int offset = ElfVersionNeed.FindFlagsOffset(bytes, Version);
        Assert.That(offset, Is.GreaterThan(0), "the copy still declares the need (only its flag changes)");
        Assert.That(BitConverter.ToUInt16(bytes, offset) & 2, Is.EqualTo(2), "VER_FLG_WEAK set by the build");
        Assert.That(ElfVersionNeed.HasStrongNeed(bytes, Version), Is.False);
    }

    [Test]
    public void OtherVersionNeedsAreNotFound() =>
        Assert.That(ElfVersionNeed.FindFlagsOffset(File.ReadAllBytes(PackageCopy()), "GLIBCXX_9.9.99"), Is.EqualTo(-1));

    [Test]
    public void MalformedFilesAreRefusedWithoutThrowing()
    {
        byte[] real = File.ReadAllBytes(PackageCopy());
        var inputs = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["not ELF"] = new byte[4096],
            ["ELF header only"] = real[..64],
            ["first 4 KiB"] = real[..4096],
            ["all but the last 4 KiB"] = real[..^4096],
        };
        foreach (var (name, bytes) in inputs)
        {
            Assert.That(ElfVersionNeed.FindFlagsOffset(bytes, Version), Is.EqualTo(-1).Or.InRange(0, bytes.Length - 2), name);
            Assert.That(ElfVersionNeed.MarkWeak((byte[])bytes.Clone(), Version), Is.Not.EqualTo(ElfVersionNeed.Result.AlreadyWeak), name);
        }
    }
}
