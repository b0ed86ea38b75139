using BenchmarkDotNet.Running;
using CrossBackend.Backends.Torch;
using CrossBackend.Benchmarks;

// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- interleaved [--quick] [--json] [--threads N] [--scaling [--threads 1,2]] [--argmax]
// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- catalogue [--quick] [--losses a,b] [--functions a,b] [--losses-only|--functions-only]
// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- --filter '*'
TorchEngine.EnsureNativeLoadable();   // before any torch.* call (the benchmarks run in-process)
if (args.Length > 0 && args[0] is "interleaved" or "catalogue")
{
    int code = args[0] == "interleaved" ? InterleavedBench.Run(args[1..], Console.Out) : CatalogueBench.Run(args[1..], Console.Out);
    if (!args.Contains("--json")) Console.WriteLine("# " + QuietWait.Summary());
    return code;
}
BenchSwitcher.Run(args);
return 0;

internal static class BenchSwitcher
{
    public static void Run(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchSwitcher).Assembly).Run(args);
}
