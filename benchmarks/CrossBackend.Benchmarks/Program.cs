using BenchmarkDotNet.Running;
using CrossBackend.Backends.Torch;

// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- --filter '*'
TorchEngine.EnsureNativeLoadable();   // before any torch.* call (the benchmarks run in-process)
BenchSwitcher.Run(args);

internal static class BenchSwitcher
{
    public static void Run(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchSwitcher).Assembly).Run(args);
}
