namespace CrossBackend.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- catalogue [--quick] [--losses a,b]
/// [--functions a,b] [--losses-only|--functions-only]</c>: the loss catalogue (<see cref="LossCatalogueBench"/>, issue 9) and the
/// Backend functions (<see cref="FunctionCatalogueBench"/>, issue 10), one line per case and engine. <c>--functions</c>
/// keeps the function cases whose name starts with one of the given prefixes (e.g. <c>ReduceSum,ReduceMean</c>).
/// </summary>
public static class CatalogueBench
{
    public static int Run(string[] args, TextWriter stdout)
    {
        bool quick = args.Contains("--quick");
        string[] only = ListAfter(args, "--losses"), functions = ListAfter(args, "--functions");
        stdout.WriteLine($"# {Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}; p50/p90 ms per call of interleaved samples; " +
                         "base = hand-written TorchSharp (the numerics line compares against the same torch code); floor = reading the inputs once");
        stdout.WriteLine(LossCatalogueBench.Header);
        if (!args.Contains("--functions-only"))
            foreach (string line in LossCatalogueBench.Run(quick, only)) { stdout.WriteLine(line); stdout.Flush(); }
        if (!args.Contains("--losses-only"))
            foreach (string line in FunctionCatalogueBench.Run(quick, functions)) { stdout.WriteLine(line); stdout.Flush(); }
        return 0;
    }

    /// <summary>The comma-separated values after <paramref name="option"/>; none when it is absent.</summary>
    private static string[] ListAfter(string[] args, string option)
    {
        int at = Array.IndexOf(args, option);
        return at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
    }
}
