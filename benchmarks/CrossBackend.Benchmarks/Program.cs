using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/CrossBackend.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
