using System.CommandLine;
using System.Globalization;
using CrossBackend.IO;

namespace CrossBackend.Cli;

/// <summary>
/// The options of one loss call from <c>.npy</c> files, declared once for <c>crossbackend loss</c> and
/// <c>crossbackend parity --loss</c>: <c>--pred</c>, <c>--true</c>, <c>--no-average</c> and one option per keyword
/// argument across <see cref="LossRegistry"/> (<c>from_logits</c> → <c>--from-logits</c>), each loss accepting its own.
/// </summary>
internal sealed class LossInputs
{
    private readonly Dictionary<string, Option<string?>> _lossOptions = new();

    /// <param name="predRequired">Whether <c>--pred</c> is required by the parser (it is for <c>loss</c>; <c>parity</c>
    /// takes it only with <c>--loss</c>).</param>
    public LossInputs(bool predRequired)
    {
        Pred = new Option<string?>("--pred")
        {
            Description = "y_pred as a .npy file (float16, float32 or float64, channels-last)",
            Required = predRequired,
        };
        True = new Option<string?>("--true") { Description = "y_true as a .npy file: same shape as --pred (class indices for sparse losses)" };
        NoAverage = new Option<bool>("--no-average") { Description = "The per-element loss (same as --reduction none)" };
        foreach (LossOption option in LossRegistry.All.SelectMany(d => d.Options).DistinctBy(o => o.CliName))
            _lossOptions[option.CliName] = new Option<string?>(option.CliName)
            {
                Description = option.Description + (option.Rule is null ? "" : $" ({option.Rule})"),
                Arity = option.Kind == LossOptionKind.Bool ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
            };
    }

    public Option<string?> Pred { get; }
    public Option<string?> True { get; }
    public Option<bool> NoAverage { get; }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Pred);
        command.Options.Add(True);
        command.Options.Add(NoAverage);
        foreach (Option<string?> option in _lossOptions.Values) command.Options.Add(option);
    }

    /// <summary>The flags of this set that were given on the command line.</summary>
    public IEnumerable<string> Given(ParseResult r) =>
        new Option[] { Pred, True, NoAverage }.Concat(_lossOptions.Values).Where(o => r.GetResult(o) is { Implicit: false }).Select(o => o.Name);

    /// <summary>The loss with this name, or a <see cref="CliException"/> listing the known ones.</summary>
    public static LossDefinition Loss(string name) =>
        LossRegistry.All.FirstOrDefault(d => d.Name == name)
        ?? throw new CliException($"unknown loss '{name}' ({NameSuggestion.DidYouMean(name, LossRegistry.All.Select(d => d.Name))}known: {string.Join(", ", LossRegistry.All.Select(d => d.Name))})");

    /// <summary>Reads the files and parses the options for <paramref name="loss"/>: every check that needs no engine
    /// happens here, so a bad input fails once, before any engine runs.</summary>
    public LossCall Bind(ParseResult r, LossDefinition loss)
    {
        string predPath = r.GetValue(Pred) ?? throw new CliException("--pred is required with --loss: y_pred as a .npy file, e.g. --pred pred.npy");
        NpyArray p = NpyInput.Read(predPath, "--pred");
        string? truePath = r.GetValue(True);
        if (truePath is null && loss.Labels != LossLabels.None) throw new CliException("option '--true' is required for " + loss.Name);
        NpyArray? t = truePath is null ? null : NpyInput.Read(truePath, "--true");
        if (!p.DType.IsFloatingPoint())
            throw new CliException($"--pred {predPath}: `y_pred` must be float16, float32 or float64. Received: y_pred.dtype={p.DType.Name()}. " +
                "Save it as floating point, e.g. np.save(path, y_pred.astype('float32'))");
        if (p.Shape.Length < loss.MinRank)   // checked here: System.Numerics.Tensors has no rank-0 tensors to carry shape ()
            throw new CliException($"--pred: `y_pred` must have rank >= {loss.MinRank}" + (loss.MinRank == 2 ? " (batch and classes)" : "") +
                $". Received: y_pred.shape={TensorInfo.FormatShape(p.Shape)}");
        if (loss.Labels == LossLabels.SameShape && t is not null && !p.Shape.SequenceEqual(t.Shape))
            throw new CliException($"shape mismatch: --pred has shape {TensorInfo.FormatShape(p.Shape)}, --true has shape {TensorInfo.FormatShape(t.Shape)}" +
                SparseHint(loss, p.Shape, t.Shape));

        var arguments = new Dictionary<string, object?>();
        foreach ((string flag, Option<string?> option) in _lossOptions)
        {
            if (r.GetResult(option) is null) continue;
            // --axis for a loss without one goes to the core, which refuses it saying why.
            LossOption spec = loss.Options.FirstOrDefault(o => o.CliName == flag)
                ?? (flag == LossOption.Axis.CliName && loss.NoAxis is not null ? LossOption.Axis : null)
                ?? throw new CliException($"{flag} does not apply to {loss.Name} (its options: {string.Join(", ", loss.Options.Select(o => o.CliName))})");
            arguments[spec.Name] = Parse(spec, r.GetValue(option));
        }
        if (r.GetValue(NoAverage))
        {
            if (arguments.GetValueOrDefault(LossOption.Reduction.Name) is Reduction given && given != Reduction.None)
                throw new CliException($"--no-average contradicts --reduction {given.KerasName()}");
            arguments[LossOption.Reduction.Name] = Reduction.None;
        }
        var fileAxes = (int[]?)arguments.GetValueOrDefault(LossOption.Axis.Name);
        foreach (int a in fileAxes ?? [])
            if (a < -p.Shape.Length || a >= p.Shape.Length)
                throw new CliException($"--axis {a}: out of range for --pred of rank {p.Shape.Length}");
        return new LossCall(loss, p, t, arguments, predPath);
    }

    /// <summary>Labels with one axis fewer than the predictions given to a dense loss that has a sparse twin.</summary>
    private static string SparseHint(LossDefinition loss, long[] pred, long[] labels)
    {
        LossDefinition? sparse = LossRegistry.All.FirstOrDefault(d => d.Name == "sparse_" + loss.Name);
        return sparse is not null && labels.Length == pred.Length - 1 && labels.AsSpan().SequenceEqual(pred.AsSpan(0, pred.Length - 1))
            ? $"; --true looks like class indices: use `{sparse.Name}` for those, or one-hot encode them"
            : "";
    }

    /// <summary>One option's text as the value its kind takes (a tensor-valued option reads a .npy file).</summary>
    private static object? Parse(LossOption spec, string? text)
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
            LossOptionKind.NumberOrNumbers => Required().Split(',', StringSplitOptions.TrimEntries) is var parts && parts.Length == 1
                ? Number(parts[0]) : parts.Select(Number).ToArray(),
            LossOptionKind.ClassWeights => ParseClassWeights(Required()),
            LossOptionKind.Reduction => ParseReduction(Required()),
            LossOptionKind.Tensor => NpyInput.Read(Required(), flag),
            LossOptionKind.Choice => Required(),
            _ => throw new CliException($"{flag}: unsupported option kind {spec.Kind}"),
        };
    }

    private static Reduction ParseReduction(string text)
    {
        try { return Reductions.Parse(text); }
        catch (ArgumentException) { throw new CliException($"--reduction: unknown '{text}' (known: {Reductions.Names})"); }
    }

    /// <summary>Parses <c>1=2.0,2=3.0</c>.</summary>
    private static Dictionary<int, double> ParseClassWeights(string text)
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

/// <summary>
/// A loss call read from files and options, ready to run on any engine. Files are channels-last (as Keras/NumPy
/// save them); for a channels-first engine the class axis is moved in, and the result (which has no class axis)
/// comes back in the file's order. With <c>--axis</c> the data goes in as it is and the loss is told where the
/// classes are.
/// </summary>
internal sealed class LossCall(LossDefinition loss, NpyArray pred, NpyArray? yTrue, IReadOnlyDictionary<string, object?> arguments, string predPath)
{
    public LossDefinition Loss => loss;

    /// <summary>y_pred's dtype in the file: the dtype the engines compute and return (float16 is computed in float32
    /// and rounded once, as the library does).</summary>
    public DType DType => pred.DType;

    /// <summary>The --pred file, for reports.</summary>
    public string PredPath => predPath;

    /// <summary>Runs the loss on <paramref name="engine"/>; with <paramref name="float64"/> every floating-point input
    /// is widened to float64 first (the reference run).</summary>
    public EngineResult Run(ITensorEngine engine, bool float64 = false)
    {
        var fileAxes = (int[]?)arguments.GetValueOrDefault(LossOption.Axis.Name);
        NpyArray Widened(NpyArray a) => float64 && a.DType.IsFloatingPoint() && a.DType != DType.Float64 ? new NpyArray(a.ToDoubleArray(), a.Shape) : a;
        object Load(NpyArray a, bool hasClassAxis) => Widened(a).ToTensor(engine, fromChannelsLast: fileAxes is null && hasClassAxis);

        var args = new LossArguments();
        foreach ((string name, object? value) in arguments)
            args[name] = value is NpyArray tensor ? TensorOption(engine, tensor, float64) : value;
        // Class-index labels have no class axis unless they carry a trailing 1.
        bool trueHasClassAxis = loss.Labels == LossLabels.SameShape || yTrue?.Shape.Length == pred.Shape.Length;
        object result = loss.Compute(Load(pred, true), yTrue is null ? null : Load(yTrue, trueHasClassAxis), args);
        // focal_loss with both reductions 'none' keeps y_pred's rank; a Keras reduction, or dice_score/focal_loss/
        // l2_regularization reducing by their own options, leaves a scalar, as does an unreduced loss over every axis of
        // y_pred that its sample weights leave one value (Keras's shape (); the channels-last engine holds it as (1,)).
        long[]? weights = (arguments.GetValueOrDefault(LossOption.SampleWeights.Name) as NpyArray)?.Shape;
        bool scalar = loss.ReturnsScalar(args) || loss.UnreducedIsScalar(args, pred.Shape, yTrue?.Shape, weights);
        return EngineResult.Read(engine, result, pred.Shape.Length, movedInputs: fileAxes is null, scalar);
    }

    /// <summary>A tensor-valued option (sample weights, reference embeddings), taken as it is (no axis move); floating
    /// values as float32, or float64 when y_pred is float64 or for the reference run, so the engine sees one dtype.</summary>
    private object TensorOption(ITensorEngine engine, NpyArray a, bool float64)
    {
        if (!a.DType.IsFloatingPoint()) return a.ToTensor(engine);
        return engine.FromArray(NpyInput.FloatValues(a, float64 || pred.DType == DType.Float64), a.Shape);
    }
}
