using System.CommandLine;
using System.Globalization;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend loss NAME --pred P.npy --true T.npy [--backend B] [options]</c>: one registered loss from NumPy
/// files, on one engine or (without <c>--backend</c>) on every engine with a verdict on whether they agree. The
/// options are generated from <see cref="LossRegistry"/> by <see cref="LossInputs"/> (shared with
/// <c>parity --loss</c>).
/// </summary>
/// <remarks>
/// Output. With <c>--backend</c>: the result alone (text), or one JSON line <c>{"backend", "shape", "loss"}</c>.
/// On every engine: one line per engine (<c>NAME  RESULT</c>, or the JSON line above), then a verdict line (text:
/// <c>agree: …</c> or <c>DISAGREE: …</c>; JSON: <c>{"agree", "max_abs_diff", "dtype", "rtol", "atol"}</c>). JSON
/// Lines rather than one object, so each engine's line is the same as with <c>--backend</c>. Exit code 1 when the
/// engines disagree (see <see cref="Agreement"/>).
/// </remarks>
public static class LossCommand
{
    private const string Example = "crossbackend loss categorical_crossentropy --pred pred.npy --true true.npy --class-weights 1=2.0,2=3.0";

    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("loss") { Description = "The loss: " + string.Join(", ", LossRegistry.All.Select(d => d.Name)) };
        var backend = new Option<string?>("--backend")
        {
            Description = "The engine: " + string.Join(" or ", TensorEngines.All.Select(e => e.Name)) +
                          " (default: every engine, each result printed, then whether they agree)",
        };
        var json = new Option<bool>("--json")
        {
            Description = "JSON Lines: {\"backend\", \"shape\", \"loss\"} per engine, then {\"agree\", \"max_abs_diff\", \"dtype\", \"rtol\", \"atol\"} when run on every engine",
        };
        var inputs = new LossInputs(predRequired: true);
        var command = new Command("loss", "Compute one loss from NumPy .npy files on every engine (or one), and say whether the engines agree.\n\n" +
                                          $"Example:\n  {Example}") { name, backend, json };
        inputs.AddTo(command);
        command.SetAction(r =>
        {
            LossDefinition loss = LossInputs.Loss(r.GetValue(name)!);
            string? engineName = r.GetValue(backend);
            IReadOnlyList<ITensorEngine> engines = engineName is null ? TensorEngines.All : [Engine(engineName)];
            LossCall call = inputs.Bind(r, loss);
            LossResult[] results = engines.Select(e => call.Run(e)).ToArray();
            bool asJson = r.GetValue(json);
            if (engineName is not null)
            {
                stdout.WriteLine(asJson ? JsonLine(results[0]) : Formatting.Values(results[0].Values, results[0].Shape, results[0].DType));
                return CliApp.Ok;
            }

            DType dtype = results[0].DType;
            (double rtol, double atol) = Agreement.For(dtype);
            double maxDiff = 0;
            bool agree = true;
            for (int i = 0; i < results.Length; i++)
                for (int j = 0; j < i; j++)
                {
                    (double d, bool ok) = Agreement.Compare(results[i].Values, results[j].Values, rtol, atol);
                    maxDiff = double.IsNaN(d) || double.IsNaN(maxDiff) ? double.NaN : Math.Max(maxDiff, d);
                    agree &= ok && results[i].Shape.SequenceEqual(results[j].Shape);
                }
            int width = results.Max(x => x.Engine.Name.Length);
            foreach (LossResult x in results)
                stdout.WriteLine(asJson ? JsonLine(x) : $"{x.Engine.Name.PadRight(width)}  {Formatting.Values(x.Values, x.Shape, x.DType)}");
            string diff = maxDiff.ToString(asJson ? "R" : "0.0e+0", CultureInfo.InvariantCulture);
            stdout.WriteLine(asJson
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{{\"agree\": {(agree ? "true" : "false")}, \"max_abs_diff\": {(double.IsNaN(maxDiff) ? "NaN" : diff)}, \"dtype\": \"{dtype.Name()}\", \"rtol\": {rtol:R}, \"atol\": {atol:R}}}")
                : $"{(agree ? "agree" : "DISAGREE")}: {results.Length} engines, max |diff| {diff}, tolerance {Agreement.Describe(dtype)}");
            return agree ? CliApp.Ok : CliApp.Disagreement;
        });
        return command;
    }

    private static string JsonLine(LossResult x) =>
        $"{{\"backend\": \"{x.Engine.Name}\", \"shape\": {Formatting.Shape(x.Shape)}, \"loss\": {Formatting.Values(x.Values, x.Shape, x.DType)}}}";

    internal static ITensorEngine Engine(string name)
    {
        try { return TensorEngines.Named(name); }
        catch (ArgumentException e) { throw new CliException($"--backend: {ErrorText.Of(e)}"); }
    }
}
