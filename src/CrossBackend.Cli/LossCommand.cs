using System.CommandLine;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend loss NAME --pred P.npy --true T.npy [--backend B] [options]</c>: one registered loss from NumPy
/// files, on one engine or (without <c>--backend</c>) on every engine with a verdict on whether they agree. The
/// options are generated from <see cref="LossRegistry"/> by <see cref="LossInputs"/> (shared with
/// <c>parity --loss</c>).
/// </summary>
/// <remarks>Output as <see cref="EngineResults"/>, under the key <c>"loss"</c>; exit code 1 when the engines disagree
/// (see <see cref="Agreement"/>).</remarks>
public static class LossCommand
{
    private const string Example = "crossbackend loss categorical_crossentropy --pred pred.npy --true true.npy --class-weights 1=2.0,2=3.0";

    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("loss") { Description = "The loss: " + string.Join(", ", LossRegistry.All.Select(d => d.Name)) }.Refused();
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
            EngineResult[] results = engines.Select(e => call.Run(e)).ToArray();
            return EngineResults.Write(stdout, results, "loss", r.GetValue(json), oneEngine: engineName is not null);
        });
        return command;
    }

    internal static ITensorEngine Engine(string name)
    {
        try { return TensorEngines.Named(name); }
        catch (ArgumentException e) { throw new CliException($"--backend: {ErrorText.Of(e)}"); }
    }
}
