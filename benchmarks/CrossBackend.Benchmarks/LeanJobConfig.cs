using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace CrossBackend.Benchmarks;

/// <summary>
/// The one BenchmarkDotNet job every matrix here runs: in-process (so the TorchSharp native fix applied at start-up
/// covers the benchmark), one launch, two warm-up and a few short, explicit iterations (the whole matrix fits in minutes
/// on 2 cores), with the median column. Each benchmark class picks its iteration count, iteration time and time unit
/// through a parameterless subclass, which is what <see cref="ConfigAttribute"/> needs.
/// </summary>
public abstract class LeanJobConfig : ManualConfig
{
    protected LeanJobConfig(int iterations, double iterationMilliseconds, TimeUnit unit)
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(iterations)
            .WithUnrollFactor(1)
            .WithIterationTime(TimeInterval.FromMilliseconds(iterationMilliseconds)));
        AddColumn(StatisticColumn.Median);
        SummaryStyle = SummaryStyle.Default.WithTimeUnit(unit);
    }
}
