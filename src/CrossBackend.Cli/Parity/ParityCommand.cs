using System.CommandLine;
using System.Globalization;

namespace CrossBackend.Cli.Parity;

/// <summary>
/// <c>crossbackend parity</c>: runs the embedded cases on every engine (float32 inputs) and prints, per case, the
/// float64 reference, each engine's mean loss, the largest absolute difference seen (per element and mean, between
/// any engine and the reference or each other) and a verdict. Exits 1 on any disagreement.
/// </summary>
public static class ParityCommand
{
    /// <summary>The float32 parity tolerance: |a − b| ≤ Rtol·|b| + Atol.</summary>
    public const double Rtol = 1e-5, Atol = 1e-6;

    public static Command Create(TextWriter stdout)
    {
        var command = new Command("parity", "Run the embedded parity cases on every engine and print a table (the main job).");
        command.SetAction(_ => Run(stdout));
        return command;
    }

    public static int Run(TextWriter stdout)
    {
        IReadOnlyList<ITensorEngine> engines = TensorEngines.All;
        var header = new List<string> { "case", "reference" };
        header.AddRange(engines.Select(e => e.Name));
        header.AddRange(["max |diff|", "verdict"]);
        var rows = new List<string[]>();
        bool allAgree = true;
        foreach (ParityCase c in ParityCases.Default())
        {
            (double[] reference, double referenceMean) = ParityReference.Evaluate(c);
            var row = new List<string> { c.Name, Format(referenceMean) };
            double maxDiff = 0;
            bool agree = c.Published is not { } published || Close(referenceMean, published);
            var perEngine = new List<double[]>();
            foreach (ITensorEngine engine in engines)
            {
                (double mean, double[] perElement) = Evaluate(engine, c);
                row.Add(Format(mean));
                perEngine.Add([.. perElement, mean]);
            }
            double[] expected = [.. reference, referenceMean];
            for (int i = 0; i < perEngine.Count; i++)
            {
                (double d, bool ok) = Compare(perEngine[i], expected);
                maxDiff = Math.Max(maxDiff, d);
                agree &= ok;
                for (int j = 0; j < i; j++)
                {
                    (d, ok) = Compare(perEngine[i], perEngine[j]);
                    maxDiff = Math.Max(maxDiff, d);
                    agree &= ok;
                }
            }
            row.Add(maxDiff.ToString("0.0e+0", CultureInfo.InvariantCulture));
            row.Add(agree ? "agree" : "DISAGREE");
            allAgree &= agree;
            rows.Add(row.ToArray());
        }
        WriteTable(stdout, header.ToArray(), rows);
        stdout.WriteLine();
        stdout.WriteLine($"Tolerance (float32): |a - b| <= {Rtol:0e+0}*|b| + {Atol:0e+0}. " +
            (allAgree ? $"All {rows.Count} cases agree on {engines.Count} engines." : "Some cases DISAGREE."));
        return allAgree ? CliApp.Ok : CliApp.Disagreement;
    }

    private static (double Mean, double[] PerElement) Evaluate(ITensorEngine engine, ParityCase c)
    {
        object Run(Reduction reduction)
        {
            object pred = engine.FromChannelsLast(c.YPred.Select(v => (float)v).ToArray(), c.Shape);
            object? sample = c.SampleWeights is null ? null : engine.FromArray(c.SampleWeights.Select(v => (float)v).ToArray(), [c.SampleWeights.Length]);
            return c.Loss switch
            {
                ParityLoss.Sparse => Losses.SparseCategoricalCrossentropy<object, object>(pred,
                    engine.FromArray(c.Labels().Select(v => (long)v).ToArray(), c.Shape[..^1]), c.FromLogits, classWeights: c.ClassWeights,
                    ignoreClass: c.IgnoreClass, labelSmoothing: c.LabelSmoothing, reduction: reduction, sampleWeights: sample),
                ParityLoss.Binary => Losses.BinaryCrossentropy<object, object>(pred,
                    engine.FromChannelsLast(c.YTrue.Select(v => (float)v).ToArray(), c.Shape), c.FromLogits, classWeights: c.ClassWeights,
                    labelSmoothing: c.LabelSmoothing, reduction: reduction, sampleWeights: sample),
                _ => Losses.CategoricalCrossentropy<object, object>(pred,
                    engine.FromChannelsLast(c.YTrue.Select(v => (float)v).ToArray(), c.Shape), c.FromLogits, classWeights: c.ClassWeights,
                    labelSmoothing: c.LabelSmoothing, reduction: reduction, sampleWeights: sample),
            };
        }
        return (engine.ToDoubleArray(Run(c.Reduction), out _)[0], engine.ToDoubleArray(Run(Reduction.None), out _));
    }

    private static bool Close(double actual, double expected) => Math.Abs(actual - expected) <= Rtol * Math.Abs(expected) + Atol;

    private static (double MaxAbs, bool AllClose) Compare(double[] actual, double[] expected)
    {
        double max = 0;
        bool ok = actual.Length == expected.Length;
        for (int i = 0; i < Math.Min(actual.Length, expected.Length); i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            max = double.IsNaN(d) ? double.NaN : Math.Max(max, d);
            ok &= Close(actual[i], expected[i]);
        }
        return (max, ok);
    }

    private static string Format(double v) => v.ToString("0.00000000", CultureInfo.InvariantCulture);

    private static void WriteTable(TextWriter w, string[] header, List<string[]> rows)
    {
        int[] widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        w.WriteLine(Line(header));
        w.WriteLine(string.Join("  ", widths.Select(n => new string('-', n))));
        foreach (string[] r in rows) w.WriteLine(Line(r));
    }
}
