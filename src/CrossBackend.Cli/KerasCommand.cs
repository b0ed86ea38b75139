using CrossBackend.IO;
using System.CommandLine;
using System.Text.Json;
using CrossBackend.Keras;
using CrossBackend.Keras.Torch;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend keras inspect MODEL</c> and <c>crossbackend keras predict MODEL --input X.npy [--input Y.npy …]
/// [--backend B] [--json]</c>: a Keras file's layers and what each converts to, and the model run on one engine (one
/// <c>--input</c> per model input, in Keras's <c>model.inputs</c> order). Inputs and outputs are in Keras's layout
/// (channels last) whatever the engine.
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
            // Written to stdout only once every file is read and every layer described: a bad --config printed the
            // file's first line before its error (stdout must hold a whole report or nothing).
            var report = new StringWriter();
            int code = WriteInspection(report, r.GetValue(model)!, r.GetValue(config));
            stdout.Write(report.ToString());
            return code;
        });
        return command;
    }

    /// <summary>inspect's report of <paramref name="path"/> (with <paramref name="configPath"/>'s architecture).</summary>
    private static int WriteInspection(TextWriter report, string path, string? configPath)
    {
        KerasFile file = Guard(path, () => KerasFile.Open(path));
        report.WriteLine($"{path}: {file.Format}, Keras {file.KerasVersion ?? "version not recorded"}");
        if (!file.HasArchitecture && configPath is null)
        {
            report.WriteLine("weights only (no architecture; pass --config model.json to see layers and conversions)");
            foreach (KerasWeightGroup g in file.WeightGroups)
                report.WriteLine($"  {g.Name}: {(g.Weights.Count == 0 ? "no weights" : string.Join("; ", g.Weights))}");
            return CliApp.Ok;
        }
        KerasModel loaded = Load(path, configPath);
        IReadOnlyDictionary<string, string> torch = KerasTorchConversion.Describe(loaded.Graph);
        report.WriteLine($"model `{loaded.Name}` ({(loaded.Graph.IsSequential ? "Sequential" : "functional")}), {loaded.Graph.Layers.Count} layers, " +
                         $"{loaded.Graph.Layers.Sum(l => l.Weights.Sum(w => w.Data.Length)):N0} parameters");
        // The order predict takes its --input files in and prints its outputs in (Keras's model.inputs / model.outputs).
        report.WriteLine($"  inputs: {string.Join(", ", loaded.Graph.Inputs.Select(n => $"{n} {KerasLayer.FormatBatchShape(loaded.Graph[n].OutputShape)}"))}; " +
                         $"outputs: {string.Join(", ", loaded.Graph.Outputs)}");
        foreach (KerasLayer layer in loaded.Graph.Layers)
        {
            string from = layer.Inbound.Count > 1 ? $" <- {string.Join(" + ", layer.Inbound)}" : "";
            report.WriteLine($"  {layer.Name} ({layer.ClassName}){from} -> {KerasLayer.FormatBatchShape(layer.OutputShape)}");
            foreach (KerasWeight w in layer.Weights) report.WriteLine($"      {w}");
            report.WriteLine($"      torch: {torch[layer.Name]}");
        }
        return CliApp.Ok;
    }

    private static Command Predict(TextWriter stdout)
    {
        Argument<string> model = ModelArgument();
        Option<string?> config = ConfigOption();
        var input = new Option<string[]>("--input")
        {
            Description = "The input in Keras's layout (batch first, channels last): a .npy file, or FILE.npz:NAME for one array of a .npz; " +
                          "repeat it for a model of several inputs, in the model's input order (inspect lists it)",
            Required = true,
        };
        var backend = new Option<string>("--backend") { Description = $"The engine: torch or numerics (default {DefaultBackend})", DefaultValueFactory = _ => DefaultBackend };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON line: {\"backend\", \"shape\", \"output\"}; for a model of several outputs " +
                          "{\"backend\", \"outputs\": [{\"name\", \"shape\", \"output\"}, …]} in the model's output order",
        };
        var command = new Command("predict", "Run a Keras model on one engine; the output is in Keras's layout.\n\n" +
                                            "Examples:\n  crossbackend keras predict lenet.h5 --input images.npy --backend torch\n" +
                                            "  crossbackend keras predict siamese.keras --input left.npy --input right.npy") { model, config, input, backend, json };
        command.SetAction(r =>
        {
            string path = r.GetValue(model)!;
            ITensorEngine engine = LossCommand.Engine(r.GetValue(backend)!);
            NpyArray[] x = r.GetValue(input)!.Select(i => NpyInput.Read(i, "--input")).ToArray();
            KerasModel loaded = Load(path, r.GetValue(config));
            KerasGraph graph = loaded.Graph;
            if (x.Length != graph.Inputs.Count)
                throw new CliException($"--input: model `{graph.Name}` takes {graph.Inputs.Count} input{(graph.Inputs.Count == 1 ? "" : "s")}, " +
                                       $"{string.Join(", ", graph.Inputs.Select(n => $"`{n}`"))} in that order: give --input once for each. Received: {x.Length}");
            using IKerasNetwork network = Guard(path, () => KerasRuntimes.Build(loaded, engine));
            IReadOnlyList<KerasPrediction> p;
            try { p = network.Predict(x.Select(a => new KerasInput(a.Data, a.Shape)).ToArray()); }
            catch (ArgumentException e) { throw new CliException($"--input: {ErrorText.Of(e)}"); }
            string[] texts = p.Select(o => Formatting.Values(o.Values, o.Shape, network.DType)).ToArray();
            bool asJson = r.GetValue(json);
            if (p.Count == 1)
                stdout.WriteLine(asJson ? $"{{\"backend\": \"{engine.Name}\", \"shape\": {Formatting.Shape(p[0].Shape)}, \"output\": {texts[0]}}}" : texts[0]);
            else if (asJson)
                stdout.WriteLine($"{{\"backend\": \"{engine.Name}\", \"outputs\": [" + string.Join(", ", p.Select((o, j) =>
                    $"{{\"name\": {JsonSerializer.Serialize(graph.Outputs[j])}, \"shape\": {Formatting.Shape(o.Shape)}, \"output\": {texts[j]}}}")) + "]}");
            else
                for (int j = 0; j < p.Count; j++)
                {
                    stdout.WriteLine($"{graph.Outputs[j]} {Formatting.Shape(p[j].Shape)}:");
                    stdout.WriteLine(texts[j]);
                }
            return CliApp.Ok;
        });
        return command;
    }

    private static KerasModel Load(string path, string? configPath)
    {
        if (configPath is not null && Directory.Exists(configPath))
            throw new CliException($"--config {configPath}: is a directory, not a file (give the path of the architecture JSON)");
        // A missing file is named by the exception, model or config; format errors already start with the file's name.
        return Guard(configPath ?? path, () => configPath is null ? KerasModel.Load(path) : KerasModel.Load(path, configPath), model: path);
    }

    /// <summary>File and format problems become one-line user errors (exit code 2).</summary>
    /// <param name="path">The file the messages name (the --config file when there is one).</param>
    /// <param name="model">The model file, when <paramref name="path"/> is the config.</param>
    private static T Guard<T>(string path, Func<T> action, string? model = null)
    {
        // A folder is not "file not found": say what it is (a Keras 3 model is the .keras zip, not its unzipped folder).
        model ??= path;
        if (Directory.Exists(model)) throw new CliException($"{model}: is a directory, not a Keras model file (give the path of the .h5, .keras or .weights.h5 file)");
        try { return action(); }
        catch (FileNotFoundException e)
        {
            string missing = e.FileName is { } f && Path.GetFullPath(f) == Path.GetFullPath(model) ? model : path;
            throw new CliException($"{missing}: file not found ({e.FileName ?? e.Message})");
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new CliException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }
    }
}
