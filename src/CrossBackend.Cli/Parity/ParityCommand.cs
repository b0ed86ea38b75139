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
        var header = new List<string> { "case", "published", "float64" };
        header.AddRange(engines.Select(e => e.Name));
        header.AddRange(["max |diff|", "verdict"]);
        var rows = new List<string[]>();
        bool allAgree = true;
        foreach (ParityCase c in ParityCases.Default())
        {
            // The engines must agree with each other in float64 (to 1e-12) and in float32 (to the float32 tolerance), and
            // the float32 results must reproduce the published value. The float64 column is shown for information: some
            // results legitimately depend on the dtype (the clip bound 1 − 1e-7 is 0.99999988 in float32).
            double[][] wide = engines.Select(e => Evaluate(e, c, DType.Float64)).ToArray();
            double[][] narrow = engines.Select(e => Evaluate(e, c, DType.Float32)).ToArray();
            double[] reference = wide[0];
            bool agree = true;
            double maxDiff = 0;
            for (int i = 0; i < engines.Count; i++)
            {
                agree &= Compare(wide[i], reference, 1e-12, 1e-14).AllClose;
                double d;
                bool ok;
                for (int j = 0; j < i; j++)
                {
                    (d, ok) = Compare(narrow[i], narrow[j], Rtol, Atol);
                    maxDiff = Math.Max(maxDiff, d);
                    agree &= ok;
                }
            }
            if (c.Published is { } published)
                agree &= narrow.All(n => Compare(n, published, Rtol, Atol + c.Input.Rounding).AllClose);
            var row = new List<string> { c.Name, c.Published is { } p ? Summary(p) : "-", Summary(reference) };
            row.AddRange(narrow.Select(Summary));
            row.Add(maxDiff.ToString("0.0e+0", CultureInfo.InvariantCulture));
            row.Add(agree ? "agree" : "DISAGREE");
            allAgree &= agree;
            rows.Add(row.ToArray());
        }
        WriteTable(stdout, header.ToArray(), rows);
        stdout.WriteLine();
        stdout.WriteLine($"Tolerance (float32): |a - b| <= {Rtol:0e+0}*|b| + {Atol:0e+0} (plus the source's rounding for published values); " +
            "float64 results agree to 1e-12. " +
            (allAgree ? $"All {rows.Count} cases agree on {engines.Count} engines." : "Some cases DISAGREE."));
        return allAgree ? CliApp.Ok : CliApp.Disagreement;
    }

    private static double[] Evaluate(ITensorEngine engine, ParityCase c, DType dtype) =>
        engine.ToDoubleArray(c.Input.Run(c.Loss, engine, dtype), out _);

    /// <summary>A reduced result's value, or the mean of a per-element one with its count.</summary>
    private static string Summary(double[] values) =>
        values.Length == 1 ? Format(values[0]) : $"{Format(values.Average())} (mean of {values.Length})";

    private static (double MaxAbs, bool AllClose) Compare(double[] actual, double[] expected, double rtol, double atol)
    {
        double max = 0;
        bool ok = actual.Length == expected.Length;
        for (int i = 0; i < Math.Min(actual.Length, expected.Length); i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            max = double.IsNaN(d) ? double.NaN : Math.Max(max, d);
            ok &= Math.Abs(actual[i] - expected[i]) <= rtol * Math.Abs(expected[i]) + atol;
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
