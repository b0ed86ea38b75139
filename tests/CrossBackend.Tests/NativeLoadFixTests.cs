using CrossBackend.Backends.Torch;

namespace CrossBackend.Tests;

/// <summary>The one-bit ELF fix: exactly the GLIBCXX_3.4.32 need becomes weak, and only in the copy.</summary>
public sealed class NativeLoadFixTests
{
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
        int offset = NativeLoadFix.FindVersionNeedFlags(before, "GLIBCXX_3.4.32");
        Assert.That(offset, Is.GreaterThan(0), "the shipped shim declares the GLIBCXX_3.4.32 need");
        Assert.That(BitConverter.ToUInt16(before, offset) & 2, Is.EqualTo(0), "and it is not weak as shipped");

        string dir = Directory.CreateTempSubdirectory("cb-elf").FullName;
        string copy = Path.Combine(dir, "libLibTorchSharp.so");
        File.Copy(original, copy);
        Assert.That(NativeLoadFix.PatchFile(copy), Does.Contain("marked GLIBCXX_3.4.32 weak"));
        byte[] after = File.ReadAllBytes(copy);
        int differing = Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]);
        Assert.That(differing, Is.EqualTo(1));
        Assert.That(after[offset] ^ before[offset], Is.EqualTo(2), "the VER_FLG_WEAK bit");
        Assert.That(NativeLoadFix.PatchFile(copy), Does.Contain("already weak"));
        Assert.That(File.ReadAllBytes(original), Is.EqualTo(before), "the package cache is untouched");
        Directory.Delete(dir, true);
    }

    [Test]
    public void OtherVersionNeedsAreNotFound() =>
        Assert.That(NativeLoadFix.FindVersionNeedFlags(File.ReadAllBytes(PackageCopy()), "GLIBCXX_9.9.99"), Is.EqualTo(-1));
}
