using System.Runtime.InteropServices;
using CrossBackend.Testing;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// The library writes nothing outside the app's output: the spread of an empty tensor, or a spread whose result is
/// empty, printed libtorch's "std(): degrees of freedom is &lt;= 0" to the process's stderr. A native library writes
/// to file descriptor 2 itself (Console.SetError would not see it), so the calls run with fd 2 pointed at a file
/// (dup2, POSIX only); a direct write to fd 2 first proves the capture sees native writes.
/// </summary>
[NonParallelizable]
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NoStderrOutputTests(ITensorEngine engine)
{
    [DllImport("libc", SetLastError = true)] private static extern int dup(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int dup2(int oldFd, int newFd);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, byte[] buffer, nint count);

    /// <summary>What <paramref name="action"/> writes to file descriptor 2.</summary>
    private static string CaptureStderr(Action action)
    {
        string path = Path.GetTempFileName();
        try
        {
            using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite))
            {
                Console.Error.Flush();
                int saved = dup(2);
                Assume.That(saved, Is.GreaterThanOrEqualTo(0), "dup(2) failed");
                Assume.That(dup2((int)file.SafeFileHandle.DangerousGetHandle(), 2), Is.EqualTo(2), "dup2 failed");
                try { action(); }
                finally
                {
                    Console.Error.Flush();
                    dup2(saved, 2);
                    close(saved);
                }
            }
            return File.ReadAllText(path);
        }
        finally { File.Delete(path); }
    }

    [OneTimeSetUp]
    public void OnlyWherePosix()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Ignore("fd-level stderr capture uses POSIX dup2.");
    }

    [Test]
    public void TheCaptureSeesANativeWriteToFd2()
    {
        byte[] probe = "native probe\n"u8.ToArray();
        Assert.That(CaptureStderr(() => write(2, probe, probe.Length)), Is.EqualTo("native probe\n"));
    }

    [Test]
    public void SpreadsOfEmptyTensorsWriteNothingToStderr()
    {
        object None(params long[] shape) => FunctionExamples.T(engine, [], shape, DType.Float32);
        var results = new List<(object Result, long[] Shape, double[] Values)>();
        string written = CaptureStderr(() =>
        {
            object z = Backend.ZScore<object>(None(0));
            results.Add((z, [0], []));
            results.Add((Backend.ZScore<object>(None(0, 3)), [0, 3], []));
            results.Add((Backend.ReduceStd<object>(None(0, 3), 1), [0], []));
            results.Add((Backend.ReduceStd<object>(None(2, 0), 0), [0], []));
            results.Add((Backend.ReduceStd<object>(None(0, 3), [1], keepdims: true), [0, 1], []));
            results.Add((Backend.ReduceStd<object>(None(0, 3), 0), [3], [double.NaN, double.NaN, double.NaN]));
            results.Add((Backend.ReduceStd<object>(None(0, 3)), engine.Describe(Backend.ReduceSum<object>(None(0, 3))).Shape, [double.NaN]));
        });
        Assert.That(written, Is.Empty, "nothing on the process's stderr");
        foreach ((object result, long[] shape, double[] values) in results)
        {
            Assert.That(engine.ToDoubleArray(result, out long[] got), Is.EqualTo(values));
            Assert.That(got, Is.EqualTo(shape));
        }
    }
}
