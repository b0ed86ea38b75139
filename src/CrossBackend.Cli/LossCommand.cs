using CrossBackend.IO;
using System.CommandLine;
using System.Globalization;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend loss NAME --pred P.npy --true T.npy --backend torch|numerics [options]</c>: one registered loss on
/// one engine from NumPy files. Every keyword argument of the loss is an option of the same name in kebab-case
/// (<c>from_logits</c> → <c>--from-logits</c>), generated from <see cref="LossRegistry"/>. Files are channels-last (as
/// Keras/NumPy save them); for a channels-first engine the class axis is moved in, and the result (which has no class
/// axis) comes back in the file's order.
/// </summary>
public static class LossCommand
{
    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("loss") { Description = "The loss: " + string.Join(", ", LossRegistry.All.Select(d => d.Name)) };
        var pred = new Option<string>("--pred") { Description = "y_pred as a .npy file (float32 or float64, channels-last)", Required = true };
        var yTrue = new Option<string?>("--true") { Description = "y_true as a .npy file: same shape as --pred (class indices for sparse losses)" };
        var backend = new Option<string>("--backend") { Description = "The engine: " + string.Join(" or ", TensorEngines.All.Select(e => e.Name)), Required = true };
        var noAverage = new Option<bool>("--no-average") { Description = "The per-element loss (same as --reduction none)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line: {\"backend\", \"shape\", \"loss\"}" };

        // One option per keyword argument across the registry; each loss accepts its own.
        var lossOptions = new Dictionary<string, Option<string?>>();
        foreach (LossOption option in LossRegistry.All.SelectMany(d => d.Options).DistinctBy(o => o.CliName))
            lossOptions[option.CliName] = new Option<string?>(option.CliName)
            {
                Description = option.Description + (option.Rule is null ? "" : $" ({option.Rule})"),
                Arity = option.Kind == LossOptionKind.Bool ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
            };

        var command = new Command("loss", "Compute one loss on one engine from NumPy .npy files.") { name, pred, yTrue, backend, noAverage, json };
        foreach (Option<string?> option in lossOptions.Values) command.Options.Add(option);
        command.SetAction(r =>
        {
            string lossName = r.GetValue(name)!;
            LossDefinition loss = LossRegistry.All.FirstOrDefault(d => d.Name == lossName)
                ?? throw new CliException($"unknown loss '{lossName}' (known: {string.Join(", ", LossRegistry.All.Select(d => d.Name))})");
            ITensorEngine engine = Engine(r.GetValue(backend)!);
            NpyArray p = NpyInput.Read(r.GetValue(pred)!, "--pred");
            string? truePath = r.GetValue(yTrue);
            if (truePath is null && loss.Labels != LossLabels.None) throw new CliException("option '--true' is required for " + loss.Name);
            NpyArray? t = truePath is null ? null : NpyInput.Read(truePath, "--true");
            if (p.Data is not (float[] or double[]))
                throw new CliException($"--pred: y_pred must be float32 or float64, got {p.Data.GetType().GetElementType()!.Name}");
            if (p.Shape.Length < loss.MinRank)   // checked here: System.Numerics.Tensors has no rank-0 tensors to carry shape ()
                throw new CliException($"--pred: `y_pred` must have rank >= {loss.MinRank}" + (loss.MinRank == 2 ? " (batch and classes)" : "") +
                    $". Received: y_pred.shape={TensorInfo.FormatShape(p.Shape)}");
            if (loss.Labels == LossLabels.SameShape && t is not null && !p.Shape.SequenceEqual(t.Shape))
                throw new CliException($"shape mismatch: --pred has shape {TensorInfo.FormatShape(p.Shape)}, --true has shape {TensorInfo.FormatShape(t.Shape)}");

            var arguments = new LossArguments();
            foreach ((string flag, Option<string?> option) in lossOptions)
            {
                if (r.GetResult(option) is null) continue;
                LossOption spec = loss.Options.FirstOrDefault(o => o.CliName == flag)
                    ?? throw new CliException($"{flag} does not apply to {loss.Name} (its options: {string.Join(", ", loss.Options.Select(o => o.CliName))})");
                arguments[spec.Name] = Parse(spec, r.GetValue(option), engine, p);
            }
            if (r.GetValue(noAverage))
            {
                if (arguments[LossOption.Reduction.Name] is Reduction given && given != Reduction.None)
                    throw new CliException($"--no-average contradicts --reduction {given.KerasName()}");
                arguments[LossOption.Reduction.Name] = Reduction.None;
            }
            int[]? fileAxes = (int[]?)arguments[LossOption.Axis.Name];
            foreach (int a in fileAxes ?? [])
                if (a < -p.Shape.Length || a >= p.Shape.Length)
                    throw new CliException($"--axis {a}: out of range for --pred of rank {p.Shape.Length}");

            // Without --axis the files are channels-last and the class axis moves to the engine's; with --axis the data
            // goes in as it is and the loss is told where the classes are. Class-index labels have no class axis unless
            // they carry a trailing 1.
            object Load(NpyArray array, bool hasClassAxis) =>
                fileAxes is null && hasClassAxis ? engine.FromChannelsLast(array.Data, array.Shape) : engine.FromArray(array.Data, array.Shape);
            bool trueHasClassAxis = loss.Labels == LossLabels.SameShape || t?.Shape.Length == p.Shape.Length;
            object result = loss.Compute(Load(p, true), t is null ? null : Load(t, trueHasClassAxis), arguments);

            double[] values = engine.ToDoubleArray(result, out long[] shape);
            DType dtype = engine.Describe(result).DType;
            // A reduced loss is one value; the channels-last engine holds it as shape (1,), torch as ().
            Reduction reduction = (Reduction?)arguments[LossOption.Reduction.Name] ?? (loss.OwnReduction ? Reduction.None : Reduction.SumOverBatchSize);
            if (reduction != Reduction.None && values.Length == 1) shape = [];
            string text = Formatting.Values(values, shape, dtype);
            stdout.WriteLine(r.GetValue(json)
                ? $"{{\"backend\": \"{engine.Name}\", \"shape\": {Formatting.Shape(shape)}, \"loss\": {text}}}"
                : text);
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>One option's text as the value its kind takes (a tensor-valued option reads a .npy file).</summary>
    private static object? Parse(LossOption spec, string? text, ITensorEngine engine, NpyArray pred)
    {
        string flag = spec.CliName;
        double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new CliException($"{flag}: '{s}' is not a number");
        int Integer(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new CliException($"{flag}: '{s}' is not an integer");
        string Required() => text ?? throw new CliException($"{flag}: a value is required");
        return spec.Kind switch
        {
            LossOptionKind.Bool => text is null || text.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
                : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
                : throw new CliException($"{flag}: '{text}' is not true or false (write {flag}=false to switch it off)"),
            LossOptionKind.Number => Number(Required()),
            LossOptionKind.Integer => Integer(Required()),
            LossOptionKind.Axes => Required().Split(',', StringSplitOptions.TrimEntries).Select(Integer).ToArray(),
            LossOptionKind.Numbers => Required().Split(',', StringSplitOptions.TrimEntries).Select(Number).ToArray(),
            LossOptionKind.ClassWeights => ParseClassWeights(Required()),
            LossOptionKind.Reduction => ParseReduction(Required()),
            LossOptionKind.Tensor => LoadTensor(engine, Required(), flag, pred.Data),
            LossOptionKind.Choice => Required(),
            _ => throw new CliException($"{flag}: unsupported option kind {spec.Kind}"),
        };
    }

    private static Reduction ParseReduction(string text)
    {
        try { return Reductions.Parse(text); }
        catch (ArgumentException) { throw new CliException($"--reduction: unknown '{text}' (known: none, sum, sum_over_batch_size, weighted_mean)"); }
    }

    /// <summary>A tensor-valued option (sample weights, reference embeddings) as y_pred's element type, so the engine
    /// sees one dtype; taken as it is (no axis move).</summary>
    private static object LoadTensor(ITensorEngine engine, string path, string flag, Array predData)
    {
        NpyArray array = NpyInput.Read(path, flag);
        Array data = (array.Data, predData) switch
        {
            (float[] f, float[]) => f,
            (double[] d, double[]) => d,
            (float[] f, double[]) => f.Select(v => (double)v).ToArray(),
            (double[] d, float[]) => d.Select(v => (float)v).ToArray(),
            (int[] or long[], _) => array.Data,
            _ => throw new CliException($"{flag} {path}: must be float32, float64, int32 or int64"),
        };
        return engine.FromArray(data, array.Shape);
    }

    internal static ITensorEngine Engine(string name)
    {
        try { return TensorEngines.Named(name); }
        catch (ArgumentException e) { throw new CliException($"--backend: {e.Message}"); }
    }

    /// <summary>Parses <c>1=2.0,2=3.0</c>.</summary>
    public static Dictionary<int, double> ParseClassWeights(string text)
    {
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
