using System.CommandLine;
using System.Globalization;

namespace CrossBackend.Cli.Parity;

/// <summary>
/// <c>crossbackend parity</c>: runs every registered loss's published examples, the edge cases and every registered
/// metric's and backend function's published examples on every engine, in
/// float32 and float64, and prints per case the published value, the float64 result, each engine's float32 result, the
/// largest difference between engines and a verdict: the engines agree with each other in both dtypes and reproduce
/// the published value. Exits 1 on any disagreement.
/// <c>crossbackend parity --loss NAME --pred P.npy [--true T.npy] [loss options]</c> does the same for the user's own
/// arrays (in their dtype, and widened to float64). <c>--json</c> prints JSON Lines: one object per case, then a
/// summary object (the one with <c>"cases"</c>).
/// </summary>
public static class ParityCommand
{
    /// <summary>The float32 parity tolerance: |a − b| ≤ Rtol·|b| + Atol.</summary>
    public const double Rtol = 1e-5, Atol = 1e-6;

    /// <summary>float64 runs of different engines must agree to this (relative, absolute).</summary>
    private const double WideRtol = 1e-12, WideAtol = 1e-14;

    public static Command Create(TextWriter stdout)
    {
        var json = new Option<bool>("--json")
        {
            Description = "JSON Lines: one object per case {\"case\", \"loss\", \"metric\" or \"function\", \"dtype\", \"published\", \"float64\", \"results\", " +
                          "\"max_abs_diff\", \"max_abs_diff_float64\", \"agree\"}, then a summary {\"cases\", \"engines\", \"disagree\", \"agree\"}",
        };
        var lossName = new Option<string?>("--loss")
        {
            Description = "Check your own arrays: run this loss on --pred/--true (with its options) on every engine and in float64; " +
                          "exit 1 if the engines disagree",
        }.Refused();
        var inputs = new LossInputs(predRequired: false);
        var command = new Command("parity",
            "Run the embedded parity cases (or your own arrays with --loss) on every engine and a float64 reference, and print a table (the main job).\n\n" +
            "Examples:\n  crossbackend parity\n  crossbackend parity --json\n" +
            "  crossbackend parity --loss categorical_crossentropy --pred pred.npy --true true.npy --from-logits")
        { lossName, json };
        inputs.AddTo(command);
        command.SetAction(r =>
        {
            bool asJson = r.GetValue(json);
            if (r.GetValue(lossName) is not { } name)
            {
                if (inputs.Given(r).FirstOrDefault() is { } flag)
                    throw new CliException($"{flag} needs --loss NAME (the loss to run your arrays through), e.g. --loss {LossRegistry.All[0].Name}");
                return Run(stdout, asJson);
            }
            LossCall call = inputs.Bind(r, LossInputs.Loss(name));
            var row = new Row($"{call.Loss.Name}: {call.PredPath}", "loss", call.Loss.Name, null, 0, call.DType, true, (e, wide) => call.Run(e, wide).Values);
            return Report(stdout, [row], asJson, userArrays: true);
        });
        return command;
    }

    /// <summary>The embedded cases: the table (or JSON Lines) and exit code 1 on any disagreement.</summary>
    public static int Run(TextWriter stdout, bool json = false) =>
        Report(stdout, ParityCases.Default().Select(c => new Row(c.Name, c.Kind, c.Function, c.Published, c.Rounding, DType.Float32, c.HasFloat64,
            (e, wide) => e.ToDoubleArray(c.Run(e, wide ? DType.Float64 : DType.Float32), out _))).ToList(), json, userArrays: false);

    /// <summary>One line of the report: its inputs are run on each engine in <paramref name="DType"/> and, when
    /// <paramref name="HasFloat64"/>, in float64.</summary>
    private sealed record Row(string Name, string Kind, string Function, double[]? Published, double Rounding, DType DType, bool HasFloat64,
        Func<ITensorEngine, bool, double[]> Evaluate);

    private sealed record Verdict(double[]? Reference, double[][] Narrow, double MaxDiff, double MaxDiffFromReference, bool Agree);

    /// <summary>
    /// The engines must agree with each other in float64 (to 1e-12) and in the row's dtype (to that dtype's tolerance),
    /// and the results must reproduce the published value. The float64 column is shown for information: some results
    /// legitimately depend on the dtype (the clip bound 1 − 1e-7 is 0.99999988 in float32).
    /// </summary>
    private static Verdict Judge(Row row, IReadOnlyList<ITensorEngine> engines)
    {
        double[][] narrow = engines.Select(e => row.Evaluate(e, false)).ToArray();
        double[][]? wide = row.HasFloat64 ? engines.Select(e => row.Evaluate(e, true)).ToArray() : null;
        double[]? reference = wide?[0];
        (double rtol, double atol) = Agreement.For(row.DType);
        bool agree = true;
        double maxDiff = 0, fromReference = 0;
        for (int i = 0; i < engines.Count; i++)
        {
            if (wide is not null)
            {
                agree &= Agreement.Compare(wide[i], reference!, WideRtol, WideAtol).AllClose;
                fromReference = Max(fromReference, Agreement.Compare(narrow[i], reference!, 0, 0).MaxAbs);
            }
            for (int j = 0; j < i; j++)
            {
                (double d, bool ok) = Agreement.Compare(narrow[i], narrow[j], rtol, atol);
                maxDiff = Max(maxDiff, d);
                agree &= ok;
            }
        }
        if (row.Published is { } published)
            agree &= narrow.All(n => Agreement.Compare(n, published, rtol, atol + row.Rounding).AllClose);
        return new Verdict(reference, narrow, maxDiff, fromReference, agree);
    }

    private static double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    private static int Report(TextWriter stdout, IReadOnlyList<Row> rows, bool json, bool userArrays)
    {
        IReadOnlyList<ITensorEngine> engines = TensorEngines.All;
        Verdict[] verdicts = rows.Select(r => Judge(r, engines)).ToArray();
        bool allAgree = verdicts.All(v => v.Agree);
        if (json) WriteJson(stdout, rows, verdicts, engines);
        else WriteText(stdout, rows, verdicts, engines, userArrays);
        return allAgree ? CliApp.Ok : CliApp.Disagreement;
    }

    private static void WriteText(TextWriter stdout, IReadOnlyList<Row> rows, Verdict[] verdicts, IReadOnlyList<ITensorEngine> engines, bool userArrays)
    {
        var header = new List<string> { "case", "published", "float64" };
        header.AddRange(engines.Select(e => e.Name));
        header.AddRange(["max |diff|", "verdict"]);
        var lines = new List<string[]>();
        for (int i = 0; i < rows.Count; i++)
        {
            Verdict v = verdicts[i];
            var line = new List<string> { rows[i].Name, rows[i].Published is { } p ? Summary(p) : "-", v.Reference is { } r ? Summary(r) : "-" };
            line.AddRange(v.Narrow.Select(Summary));
            line.Add(v.MaxDiff.ToString("0.0e+0", CultureInfo.InvariantCulture));
            line.Add(v.Agree ? "agree" : "DISAGREE");
            lines.Add(line.ToArray());
        }
        WriteTable(stdout, header.ToArray(), lines);
        stdout.WriteLine();
        bool allAgree = verdicts.All(v => v.Agree);
        DType[] dtypes = rows.Select(r => r.DType).Distinct().ToArray();
        if (!userArrays)
            stdout.WriteLine($"Tolerance (float32): |a - b| <= {Rtol:0e+0}*|b| + {Atol:0e+0} (plus the source's rounding for published values); " +
                "float64 results agree to 1e-12 (backend function examples run in their own dtypes: no float64 column). " +
                (allAgree ? $"All {rows.Count} cases agree on {engines.Count} engines." : "Some cases DISAGREE."));
        else
        {
            // The user's own arrays: differences from the float64 run are shown, not judged (see Judge).
            stdout.WriteLine($"Tolerance: {string.Join("; ", dtypes.Select(Agreement.Describe))} between engines; float64 results agree to 1e-12. " +
                $"Largest |diff| from the float64 run: {verdicts.Max(v => v.MaxDiffFromReference).ToString("0.0e+0", CultureInfo.InvariantCulture)} " +
                "(shown, not judged: results may depend on the dtype, e.g. the clip bound 1 - 1e-7 is 0.99999988 in float32). " +
                (allAgree ? $"The {engines.Count} engines agree." : "The engines DISAGREE."));
        }
    }

    private static void WriteJson(TextWriter stdout, IReadOnlyList<Row> rows, Verdict[] verdicts, IReadOnlyList<ITensorEngine> engines)
    {
        static string List(IEnumerable<double> values, DType dtype) => "[" + string.Join(", ", values.Select(v => Formatting.Number(v, dtype))) + "]";
        static string Num(double v) => Formatting.Number(v, DType.Float64);
        for (int i = 0; i < rows.Count; i++)
        {
            Row row = rows[i];
            Verdict v = verdicts[i];
            string results = string.Join(", ", engines.Select((e, k) => $"{Json(e.Name)}: {List(v.Narrow[k], row.DType)}"));
            stdout.WriteLine($"{{\"case\": {Json(row.Name)}, \"{row.Kind}\": {Json(row.Function)}, \"dtype\": \"{row.DType.Name()}\", " +
                $"\"published\": {(row.Published is { } p ? List(p, DType.Float64) : "null")}, \"float64\": {(v.Reference is { } r ? List(r, DType.Float64) : "null")}, " +
                $"\"results\": {{{results}}}, \"max_abs_diff\": {Num(v.MaxDiff)}, \"max_abs_diff_float64\": {Num(v.MaxDiffFromReference)}, " +
                $"\"agree\": {(v.Agree ? "true" : "false")}}}");
        }
        int disagree = verdicts.Count(v => !v.Agree);
        stdout.WriteLine($"{{\"cases\": {rows.Count}, \"engines\": [{string.Join(", ", engines.Select(e => Json(e.Name)))}], " +
            $"\"disagree\": {disagree}, \"agree\": {(disagree == 0 ? "true" : "false")}}}");
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>A reduced result's value, or the mean of a per-element one with its count.</summary>
    private static string Summary(double[] values) =>
        values.Length == 0 ? "(empty)" : values.Length == 1 ? Format(values[0]) : $"{Format(values.Average())} (mean of {values.Length})";

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
