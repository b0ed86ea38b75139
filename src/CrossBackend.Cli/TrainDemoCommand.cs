using System.CommandLine;
using System.Globalization;
using CrossBackend.Training;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend train-demo [--steps N] [--dtype float32|float64] [--json]</c>: trains <see cref="TrainDemo"/>'s
/// perceptron on every engine from the same data and weights and prints each step's loss per engine. Exits 1 when
/// the engines diverge (beyond 1e-10 relative in float64, 1e-4 in float32) at any step, or the loss does not fall.
/// </summary>
public static class TrainDemoCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var steps = new Option<int>("--steps") { Description = "SGD steps, at least 2", DefaultValueFactory = _ => 100 };
        var dtype = new Option<string>("--dtype") { Description = "float32 or float64", DefaultValueFactory = _ => "float64" };
        var rate = new Option<double>("--learning-rate") { Description = "SGD learning rate", DefaultValueFactory = _ => 0.3 };
        var json = new Option<bool>("--json") { Description = "One JSON line per step: {\"step\": 1, \"torch\": ..., \"numerics\": ...}" };
        var command = new Command("train-demo",
            "Train one small MLP, written once, on every engine from the same weights; check the loss curves agree and fall.\n" +
            "Example: crossbackend train-demo --steps 100 --json")
        { steps, dtype, rate, json };
        command.SetAction(r =>
        {
            int n = r.GetValue(steps);
            // The verdict compares the first step's loss with the last one's, so one step could never pass.
            if (n < 2) throw new CliException($"--steps must be >= 2 (the loss of the first step is compared with the last), got {n}");
            DType type = r.GetValue(dtype) switch
            {
                "float64" => DType.Float64,
                "float32" => DType.Float32,
                var other => throw new CliException($"--dtype: '{other}' is not float32 or float64"),
            };
            double learningRate = r.GetValue(rate);
            // A NaN rate made both engines NaN and the verdict "DIVERGE"; a negative one climbed to 1e130: refused here.
            if (!double.IsFinite(learningRate) || learningRate <= 0)
                throw new CliException($"--learning-rate must be a positive finite number (e.g. 0.3), got {learningRate.ToString("R", CultureInfo.InvariantCulture)}");
            double tolerance = type == DType.Float64 ? 1e-10 : 1e-4;
            IReadOnlyList<ITensorEngine> engines = TensorEngines.All;
            TrainDemo[] runs = engines.Select(e => new TrainDemo(e, type, learningRate)).ToArray();
            double first = double.NaN, last = double.NaN, worst = 0;
            for (int step = 1; step <= n; step++)
            {
                double[] losses = runs.Select(run => run.Step()).ToArray();
                foreach (double l in losses) worst = Math.Max(worst, Math.Abs(l - losses[0]) / Math.Max(Math.Abs(losses[0]), 1e-300));
                if (step == 1) first = losses[0];
                last = losses[0];
                string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
                stdout.WriteLine(r.GetValue(json)
                    ? "{\"step\": " + step + string.Concat(engines.Select((e, i) => $", \"{e.Name}\": {F(losses[i])}")) + "}"
                    : $"step {step,4}  " + string.Join("  ", engines.Select((e, i) => $"{e.Name} {F(losses[i])}")));
            }
            bool agree = worst <= tolerance, falls = last < first;
            string verdict = $"engines {(agree ? "agree" : "DIVERGE")}: greatest relative difference {worst:0.0e+0} (allowed {tolerance:0e+0}); " +
                $"loss {(falls ? "falls" : "does NOT fall")}: {Loss(first)} -> {Loss(last)}";
            // With --json the verdict goes to stderr, so stdout stays JSON Lines; the CLI's stderr, not the process's.
            (r.GetValue(json) ? stderr : stdout).WriteLine(verdict);
            return agree && falls ? CliApp.Ok : CliApp.Disagreement;
        });
        return command;
    }

    /// <summary>A loss for the verdict: six decimals (1.951596), or scientific beyond a million (a diverging run
    /// printed all 130 digits of 3.3e129).</summary>
    internal static string Loss(double v) =>
        (Math.Abs(v) >= 1e6 ? v.ToString("0.######e+0", CultureInfo.InvariantCulture) : v.ToString("0.######", CultureInfo.InvariantCulture));
}
