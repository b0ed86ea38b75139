using System.CommandLine;
using System.Globalization;
using CrossBackend.IO;

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
        ["categorical_crossentropy"] = (p, t, a) => Losses.CategoricalCrossentropy<object, object>(p, t, a.FromLogits,
            classWeights: a.ClassWeights, labelSmoothing: a.LabelSmoothing, axis: a.Axis, reduction: a.Reduction, sampleWeights: a.SampleWeights),
        ["sparse_categorical_crossentropy"] = (p, t, a) => Losses.SparseCategoricalCrossentropy<object, object>(p, t, a.FromLogits,
            classWeights: a.ClassWeights, ignoreClass: a.IgnoreClass, labelSmoothing: a.LabelSmoothing, axis: a.Axis,
            reduction: a.Reduction, sampleWeights: a.SampleWeights),
        ["binary_crossentropy"] = (p, t, a) => Losses.BinaryCrossentropy<object, object>(p, t, a.FromLogits,
            classWeights: a.ClassWeights, labelSmoothing: a.LabelSmoothing, axis: a.Axis, reduction: a.Reduction, sampleWeights: a.SampleWeights),
    };

    private static readonly Dictionary<string, Reduction> ReductionsByName = new()
    {
        ["none"] = Reduction.None,
        ["sum"] = Reduction.Sum,
        ["sum_over_batch_size"] = Reduction.SumOverBatchSize,
        ["weighted_mean"] = Reduction.WeightedMean,
    };

    private sealed record LossArguments(bool FromLogits, Reduction Reduction, IReadOnlyDictionary<int, double>? ClassWeights,
        double LabelSmoothing, int? Axis, int? IgnoreClass, object? SampleWeights);

    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("loss") { Description = "The loss: " + string.Join(", ", LossesByName.Keys) };
        var pred = new Option<string>("--pred") { Description = "y_pred as a .npy file (float32 or float64, channels-last)", Required = true };
        var yTrue = new Option<string>("--true") { Description = "y_true as a .npy file: same shape as --pred (class indices for the sparse loss)", Required = true };
        var backend = new Option<string>("--backend") { Description = "The engine: torch or numerics", Required = true };
        var fromLogits = new Option<bool>("--from-logits") { Description = "y_pred holds logits" };
        var noAverage = new Option<bool>("--no-average") { Description = "The per-element loss (same as --reduction none)" };
        var reduction = new Option<string?>("--reduction") { Description = "none, sum, sum_over_batch_size (default) or weighted_mean" };
        var classWeights = new Option<string?>("--class-weights") { Description = "Class weights, e.g. 1=2.0,2=3.0 (unlisted classes weigh 1)" };
        var labelSmoothing = new Option<double>("--label-smoothing") { Description = "Label smoothing in [0, 1]" };
        var sampleWeights = new Option<string?>("--sample-weights") { Description = "Sample weights as a .npy file: a scalar, (Batch,), or the per-element shape" };
        var ignoreClass = new Option<int?>("--ignore-class") { Description = "sparse_categorical_crossentropy: a label whose elements are ignored" };
        var axis = new Option<int?>("--axis") { Description = "The class axis as it is in the .npy file (default: the last); the data is then passed as it is" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"backend\", \"shape\", \"loss\"}" };

        var command = new Command("loss", "Compute one loss on one engine from NumPy .npy files.")
        {
            name, pred, yTrue, backend, fromLogits, noAverage, reduction, classWeights, labelSmoothing, sampleWeights, ignoreClass, axis, json,
        };
        command.SetAction(r =>
        {
            string lossName = r.GetValue(name)!;
            if (!LossesByName.TryGetValue(lossName, out LossFunction? loss))
                throw new CliException($"unknown loss '{lossName}' (known: {string.Join(", ", LossesByName.Keys)})");
            bool sparse = lossName == "sparse_categorical_crossentropy";
            if (r.GetValue(ignoreClass) is not null && !sparse)
                throw new CliException("--ignore-class applies only to sparse_categorical_crossentropy");
            ITensorEngine engine = Engine(r.GetValue(backend)!);
            Reduction chosen = ParseReduction(r.GetValue(reduction), r.GetValue(noAverage));
            NpyArray p = NpyInput.Read(r.GetValue(pred)!, "--pred");
            NpyArray t = NpyInput.Read(r.GetValue(yTrue)!, "--true");
            if (p.Data is not (float[] or double[]))
                throw new CliException($"--pred: y_pred must be float32 or float64, got {p.Data.GetType().GetElementType()!.Name}");
            if (p.Shape.Length < 2)   // checked here: System.Numerics.Tensors has no rank-0 tensors to carry shape ()
                throw new CliException($"--pred: `y_pred` must have rank >= 2 (batch and classes). Received: y_pred.shape={TensorInfo.FormatShape(p.Shape)}");
            if (!sparse && !p.Shape.SequenceEqual(t.Shape))
                throw new CliException($"shape mismatch: --pred has shape {TensorInfo.FormatShape(p.Shape)}, --true has shape {TensorInfo.FormatShape(t.Shape)}");
            int? fileAxis = r.GetValue(axis);
            if (fileAxis is { } a && (a < -p.Shape.Length || a >= p.Shape.Length))
                throw new CliException($"--axis {a}: out of range for --pred of rank {p.Shape.Length}");

            // Without --axis the files are channels-last and the class axis moves to the engine's; with --axis the
            // data goes in as it is and the loss is told where the classes are. Labels of the sparse loss have no
            // class axis unless they carry a trailing 1.
            object Load(NpyArray array, bool hasClassAxis) =>
                fileAxis is null && hasClassAxis ? engine.FromChannelsLast(array.Data, array.Shape) : engine.FromArray(array.Data, array.Shape);
            string? weightsPath = r.GetValue(sampleWeights);
            object? weights = weightsPath is null ? null : LoadSampleWeights(engine, weightsPath, p.Data);
            var arguments = new LossArguments(r.GetValue(fromLogits), chosen, ParseClassWeights(r.GetValue(classWeights)),
                r.GetValue(labelSmoothing), fileAxis, r.GetValue(ignoreClass), weights);

            object result = loss(Load(p, true), Load(t, !sparse || t.Shape.Length == p.Shape.Length), arguments);
            double[] values = engine.ToDoubleArray(result, out long[] shape);
            DType dtype = engine.Describe(result).DType;
            // A reduced loss is one value; the channels-last engine holds it as shape (1,), torch as ().
            if (chosen != Reduction.None) shape = [];
            string text = Formatting.Values(values, shape, dtype);
            stdout.WriteLine(r.GetValue(json)
                ? $"{{\"backend\": \"{engine.Name}\", \"shape\": {Formatting.Shape(shape)}, \"loss\": {text}}}"
                : text);
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>Sample weights converted to y_pred's element type, so the engine sees one dtype.</summary>
    private static object LoadSampleWeights(ITensorEngine engine, string path, Array predData)
    {
        NpyArray weights = NpyInput.Read(path, "--sample-weights");
        Array data = (weights.Data, predData) switch
        {
            (float[] f, float[]) => f,
            (double[] d, double[]) => d,
            (float[] f, double[]) => f.Select(v => (double)v).ToArray(),
            (double[] d, float[]) => d.Select(v => (float)v).ToArray(),
            _ => throw new CliException($"--sample-weights {path}: must be float32 or float64"),
        };
        return engine.FromArray(data, weights.Shape);
    }

    private static Reduction ParseReduction(string? text, bool noAverage)
    {
        if (text is null) return noAverage ? Reduction.None : Reduction.SumOverBatchSize;
        if (!ReductionsByName.TryGetValue(text, out Reduction reduction))
            throw new CliException($"--reduction: unknown '{text}' (known: {string.Join(", ", ReductionsByName.Keys)})");
        if (noAverage && reduction != Reduction.None)
            throw new CliException($"--no-average contradicts --reduction {text}");
        return reduction;
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
