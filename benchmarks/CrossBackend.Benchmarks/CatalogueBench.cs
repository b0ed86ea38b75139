namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- catalogue [--quick] [--losses a,b]
/// [--losses-only|--functions-only]</c>: the loss catalogue (<see cref="LossCatalogueBench"/>, issue 9) and the
/// Backend functions (<see cref="FunctionCatalogueBench"/>, issue 10), one line per case and engine.
/// </summary>
public static class CatalogueBench
{
    public static int Run(string[] args, TextWriter stdout)
    {
        bool quick = args.Contains("--quick");
        int at = Array.IndexOf(args, "--losses");
        string[] only = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        stdout.WriteLine($"# {Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}; p50/p90 ms per call of interleaved samples; " +
                         "base = hand-written TorchSharp (the numerics line compares against the same torch code); floor = reading the inputs once");
        stdout.WriteLine(LossCatalogueBench.Header);
        if (!args.Contains("--functions-only"))
            foreach (string line in LossCatalogueBench.Run(quick, only)) { stdout.WriteLine(line); stdout.Flush(); }
        if (!args.Contains("--losses-only"))
            foreach (string line in FunctionCatalogueBench.Run(quick)) { stdout.WriteLine(line); stdout.Flush(); }
        return 0;
    }
}
