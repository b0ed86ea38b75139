using CrossBackend.IO;
using System.CommandLine;
using CrossBackend.Keras;
using CrossBackend.Keras.Torch;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend keras inspect MODEL</c> and <c>crossbackend keras predict MODEL --input X.npy [--backend B] [--json]</c>:
/// a Keras file's layers and what each converts to, and the model run on one engine. Inputs and outputs are in
/// Keras's layout (channels last) whatever the engine.
/// </summary>
public static class KerasCommand
{
    /// <summary>The engine <c>predict</c> uses without <c>--backend</c>: the channels-last one, Keras's own layout.</summary>
    private const string DefaultBackend = "numerics";

    public static Command Create(TextWriter stdout)
    {
        var command = new Command("keras", "Inspect and run Keras models (.h5, .keras, .weights.h5) on any engine.\n\n" +
                                        "Examples:\n  crossbackend keras inspect lenet.h5\n  crossbackend keras predict lenet.h5 --input images.npy");
        command.Subcommands.Add(Inspect(stdout));
        command.Subcommands.Add(Predict(stdout));
        return command;
    }

    private static Argument<string> ModelArgument() => new("model") { Description = "A Keras 2 .h5 (full model or weights), a Keras 3 .keras or .weights.h5 file" };

    private static Option<string?> ConfigOption() => new("--config")
    {
        Description = "For weights-only files: the architecture as JSON (model.to_json(), or a Keras 3 config.json)",
    };

    private static Command Inspect(TextWriter stdout)
    {
        Argument<string> model = ModelArgument();
        Option<string?> config = ConfigOption();
        var command = new Command("inspect", "List the layers, their shapes and dtypes, and what each converts to on TorchSharp.\n\n" +
                                            "Example:\n  crossbackend keras inspect lenet.h5") { model, config };
        command.SetAction(r =>
        {
            string path = r.GetValue(model)!;
            string? configPath = r.GetValue(config);
            KerasFile file = Guard(path, () => KerasFile.Open(path));
            stdout.WriteLine($"{path}: {file.Format}, Keras {file.KerasVersion ?? "version not recorded"}");
            if (!file.HasArchitecture && configPath is null)
            {
                stdout.WriteLine("weights only (no architecture; pass --config model.json to see layers and conversions)");
                foreach (KerasWeightGroup g in file.WeightGroups)
                    stdout.WriteLine($"  {g.Name}: {(g.Weights.Count == 0 ? "no weights" : string.Join("; ", g.Weights))}");
                return CliApp.Ok;
            }
            KerasModel loaded = Load(path, configPath);
            IReadOnlyDictionary<string, string> torch = KerasTorchConversion.Describe(loaded.Graph);
            stdout.WriteLine($"model `{loaded.Name}` ({(loaded.Graph.IsSequential ? "Sequential" : "functional")}), {loaded.Graph.Layers.Count} layers, " +
                             $"{loaded.Graph.Layers.Sum(l => l.Weights.Sum(w => w.Data.Length)):N0} parameters");
            foreach (KerasLayer layer in loaded.Graph.Layers)
            {
                string from = layer.Inbound.Count > 1 ? $" <- {string.Join(" + ", layer.Inbound)}" : "";
                stdout.WriteLine($"  {layer.Name} ({layer.ClassName}){from} -> {KerasLayer.FormatBatchShape(layer.OutputShape)}");
                foreach (KerasWeight w in layer.Weights) stdout.WriteLine($"      {w}");
                stdout.WriteLine($"      torch: {torch[layer.Name]}");
            }
            return CliApp.Ok;
        });
        return command;
    }

    private static Command Predict(TextWriter stdout)
    {
        Argument<string> model = ModelArgument();
        Option<string?> config = ConfigOption();
        var input = new Option<string>("--input") { Description = "The input in Keras's layout (batch first, channels last): a .npy file, or FILE.npz:NAME for one array of a .npz", Required = true };
        var backend = new Option<string>("--backend") { Description = $"The engine: torch or numerics (default {DefaultBackend})", DefaultValueFactory = _ => DefaultBackend };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"backend\", \"shape\", \"output\"}" };
        var command = new Command("predict", "Run a Keras model on one engine; the output is in Keras's layout.\n\n" +
                                            "Example:\n  crossbackend keras predict lenet.h5 --input images.npy --backend torch") { model, config, input, backend, json };
        command.SetAction(r =>
        {
            string path = r.GetValue(model)!;
            ITensorEngine engine = LossCommand.Engine(r.GetValue(backend)!);
            NpyArray x = NpyInput.Read(r.GetValue(input)!, "--input");
            KerasModel loaded = Load(path, r.GetValue(config));
            using IKerasNetwork network = Guard(path, () => KerasRuntimes.Build(loaded, engine));
            KerasPrediction p;
            try { p = network.Predict(x.Data, x.Shape); }
            catch (ArgumentException e) { throw new CliException($"--input: {ErrorText.Of(e)}"); }
            string text = Formatting.Values(p.Values, p.Shape, network.DType);
            stdout.WriteLine(r.GetValue(json)
                ? $"{{\"backend\": \"{engine.Name}\", \"shape\": {Formatting.Shape(p.Shape)}, \"output\": {text}}}"
                : text);
            return CliApp.Ok;
        });
        return command;
    }

    private static KerasModel Load(string path, string? configPath) =>
        Guard(configPath ?? path, () => configPath is null ? KerasModel.Load(path) : KerasModel.Load(path, configPath));

    /// <summary>File and format problems become one-line user errors (exit code 2).</summary>
    private static T Guard<T>(string path, Func<T> action)
    {
        try { return action(); }
        catch (FileNotFoundException e) { throw new CliException($"{path}: file not found ({e.FileName ?? e.Message})"); }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }
    }
}
