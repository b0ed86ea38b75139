using System.CommandLine;
using System.Globalization;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend loss NAME --pred P.npy --true T.npy --backend torch|numerics [...]</c>: one loss on one engine
/// from NumPy files. Files are channels-last (as Keras/NumPy save them); for a channels-first engine the class axis
/// is moved in, and the per-element result (which has no class axis) comes back in the file's order.
/// </summary>
public static class LossCommand
{
    private delegate object LossFunction(object yPred, object yTrue, LossArguments a);

    /// <summary>The losses the command knows, by their Keras/FastEstimator names.</summary>
    private static readonly Dictionary<string, LossFunction> LossesByName = new()
    {
        ["categorical_crossentropy"] = (p, t, a) => Losses.CategoricalCrossentropy<object, object>(
            p, t, a.FromLogits, averageLoss: !a.NoAverage, classWeights: a.ClassWeights),
    };

    private sealed record LossArguments(bool FromLogits, bool NoAverage, IReadOnlyDictionary<int, double>? ClassWeights);

    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("loss") { Description = "The loss: " + string.Join(", ", LossesByName.Keys) };
        var pred = new Option<string>("--pred") { Description = "y_pred as a .npy file (float32 or float64, channels-last)", Required = true };
        var yTrue = new Option<string>("--true") { Description = "y_true as a .npy file, same shape as --pred", Required = true };
        var backend = new Option<string>("--backend") { Description = "The engine: torch or numerics", Required = true };
        var fromLogits = new Option<bool>("--from-logits") { Description = "y_pred holds logits" };
        var noAverage = new Option<bool>("--no-average") { Description = "Print the per-element loss instead of the mean" };
        var classWeights = new Option<string?>("--class-weights") { Description = "Class weights, e.g. 1=2.0,2=3.0 (unlisted classes weigh 1)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"backend\", \"shape\", \"loss\"}" };

        var command = new Command("loss", "Compute one loss on one engine from NumPy .npy files.")
        {
            name, pred, yTrue, backend, fromLogits, noAverage, classWeights, json,
        };
        command.SetAction(r =>
        {
            string lossName = r.GetValue(name)!;
            if (!LossesByName.TryGetValue(lossName, out LossFunction? loss))
                throw new CliException($"unknown loss '{lossName}' (known: {string.Join(", ", LossesByName.Keys)})");
            ITensorEngine engine = Engine(r.GetValue(backend)!);
            NpyArray p = NpyFile.Read(r.GetValue(pred)!, "--pred");
            NpyArray t = NpyFile.Read(r.GetValue(yTrue)!, "--true");
            if (p.Data is not (float[] or double[]))
                throw new CliException($"--pred: y_pred must be float32 or float64, got {p.Data.GetType().GetElementType()!.Name}");
            if (p.Shape.Length < 2)   // checked here: System.Numerics.Tensors has no rank-0 tensors to carry shape ()
                throw new CliException($"--pred: `y_pred` must have rank >= 2 (batch and classes). Received: y_pred.shape={TensorInfo.FormatShape(p.Shape)}");
            if (!p.Shape.SequenceEqual(t.Shape))
                throw new CliException($"shape mismatch: --pred has shape {TensorInfo.FormatShape(p.Shape)}, --true has shape {TensorInfo.FormatShape(t.Shape)}");
            var arguments = new LossArguments(r.GetValue(fromLogits), r.GetValue(noAverage), ParseClassWeights(r.GetValue(classWeights)));

            object result = loss(engine.FromChannelsLast(p.Data, p.Shape), engine.FromChannelsLast(t.Data, t.Shape), arguments);
            double[] values = engine.ToDoubleArray(result, out long[] shape);
            DType dtype = engine.Describe(result).DType;
            // A mean is one value; the channels-last engine holds it as shape (1,), torch as ().
            if (!arguments.NoAverage) shape = [];
            string text = Formatting.Values(values, shape, dtype);
            stdout.WriteLine(r.GetValue(json)
                ? $"{{\"backend\": \"{engine.Name}\", \"shape\": {Formatting.Shape(shape)}, \"loss\": {text}}}"
                : text);
            return CliApp.Ok;
        });
        return command;
    }

    internal static ITensorEngine Engine(string name)
    {
        try { return TensorEngines.Named(name); }
        catch (ArgumentException e) { throw new CliException($"--backend: {e.Message}"); }
    }

    /// <summary>Parses <c>1=2.0,2=3.0</c>.</summary>
    public static Dictionary<int, double>? ParseClassWeights(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var weights = new Dictionary<int, double>();
        foreach (string pair in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int cls)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight))
                throw new CliException($"--class-weights: '{pair}' is not CLASS=WEIGHT (e.g. 1=2.0,2=3.0)");
            if (!weights.TryAdd(cls, weight))
                throw new CliException($"--class-weights: class {cls} is given twice");
        }
        return weights;
    }
}
