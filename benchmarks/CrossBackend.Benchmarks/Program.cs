using BenchmarkDotNet.Running;
using CrossBackend.Backends.Torch;
using CrossBackend.Benchmarks;

// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- interleaved [--quick] [--json] [--threads N] [--scaling [--threads 1,2]] [--argmax]
// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- catalogue [--quick] [--losses a,b] [--losses-only|--functions-only]
// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- --filter '*'
TorchEngine.EnsureNativeLoadable();   // before any torch.* call (the benchmarks run in-process)
if (args.Length > 0 && args[0] == "interleaved") return InterleavedBench.Run(args[1..], Console.Out);
if (args.Length > 0 && args[0] == "catalogue") return CatalogueBench.Run(args[1..], Console.Out);
BenchSwitcher.Run(args);
return 0;

internal static class BenchSwitcher
{
    public static void Run(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchSwitcher).Assembly).Run(args);
}
