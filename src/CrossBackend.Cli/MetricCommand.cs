using System.CommandLine;
using System.Globalization;
using CrossBackend.IO;

namespace CrossBackend.Cli;

/// <summary>
/// <c>crossbackend metric NAME --pred P.npy --true T.npy [--backend B] [options]</c>: one registered metric from NumPy
/// files, on one engine or (without <c>--backend</c>) on every engine with a verdict on whether they agree. The
/// options are generated from <see cref="MetricRegistry"/> (<c>top_k</c> → <c>--top-k</c>); <c>--mean</c> and
/// <c>--sample-weight</c> give what Keras's metric class reports for a per-sample metric (<see cref="Metrics.Mean{T}"/>).
/// Output as <see cref="EngineResults"/>, under the key <c>"metric"</c>.
/// </summary>
public static class MetricCommand
{
    private const string Example = "crossbackend metric f1_score --pred scores.npy --true onehot.npy --average macro --threshold 0.5";
    private const string SampleWeight = "sample_weight";

    public static Command Create(TextWriter stdout)
    {
        var name = new Argument<string>("metric") { Description = "The metric: " + string.Join(", ", MetricRegistry.All.Select(d => d.Name)) }.Refused();
        var pred = new Option<string>("--pred")
        {
            Description = "y_pred as a .npy file (channels-last): float16, float32 or float64; integers too for " +
                          string.Join(", ", MetricRegistry.All.Where(d => d.IntegerPredictions).Select(d => d.Name)) + " (class ids, masks)",
            Required = true,
        };
        var truth = new Option<string>("--true")
        {
            Description = "y_true as a .npy file: same shape as --pred, or class indices for the sparse metrics", Required = true,
        };
        var backend = new Option<string?>("--backend")
        {
            Description = "The engine: " + string.Join(" or ", TensorEngines.All.Select(e => e.Name)) +
                          " (default: every engine, each result printed, then whether they agree)",
        };
        var json = new Option<bool>("--json")
        {
            Description = "JSON Lines: {\"backend\", \"shape\", \"metric\"} per engine, then {\"agree\", \"max_abs_diff\", \"dtype\", \"rtol\", \"atol\"} when run on every engine",
        };
        var mean = new Option<bool>("--mean")
        {
            Description = "For a per-sample metric: the mean Keras's metric class reports (weighted by --sample-weight when given)",
        };
        var options = MetricRegistry.All.SelectMany(d => d.Options).Distinct()
            .ToDictionary(o => o, o => new Option<string?>("--" + o.Replace('_', '-'))
            {
                Description = $"`{o}` of {string.Join(", ", MetricRegistry.All.Where(d => d.Options.Contains(o)).Select(d => d.Name))}" +
                              (o == SampleWeight ? "; for a per-sample metric, the weights of --mean's mean" : ""),
                Arity = ArgumentArity.ZeroOrOne,
            });
        var command = new Command("metric", "Compute one metric from NumPy .npy files on every engine (or one), and say whether the engines agree.\n" +
                                            "Each metric's keyword arguments (Keras's, FastEstimator's for dice_score) are options in kebab-case; a value is\n" +
                                            "a number, a comma list of numbers, true/false, none, a word (macro) or a .npy file (a tensor).\n\n" +
                                            $"Example:\n  {Example}") { name, pred, truth, backend, json, mean };
        foreach (Option<string?> option in options.Values) command.Options.Add(option);
        command.SetAction(r =>
        {
            string metricName = r.GetValue(name)!;
            MetricDefinition metric = MetricRegistry.All.FirstOrDefault(d => d.Name == metricName)
                ?? throw new CliException($"unknown metric '{metricName}' ({NameSuggestion.DidYouMean(metricName, MetricRegistry.All.Select(d => d.Name))}known: {string.Join(", ", MetricRegistry.All.Select(d => d.Name))})");
            NpyArray p = NpyInput.Read(r.GetValue(pred)!, "--pred"), t = NpyInput.Read(r.GetValue(truth)!, "--true");
            // Class ids (IoU), 0/1 masks (dice, accuracies) and integer targets (R2) are taken as Keras takes them; the
            // metrics that read scores need floating point.
            if (!p.DType.IsFloatingPoint() && !metric.IntegerPredictions)
                throw new CliException($"--pred {r.GetValue(pred)}: {metric.Name} needs scores, so `y_pred` must be float16, float32 or float64. " +
                    $"Received: y_pred.dtype={p.DType.Name()}. Save it as floating point, e.g. np.save(path, y_pred.astype('float32')) " +
                    $"(integer y_pred is taken by {string.Join(", ", MetricRegistry.All.Where(d => d.IntegerPredictions).Select(d => d.Name))})");
            var given = new Dictionary<string, object?>();
            var typed = new Dictionary<string, string?>();   // each option's text as typed (null: the bare flag)
            foreach ((string option, Option<string?> flag) in options)
                if (r.GetResult(flag) is { Implicit: false })
                    given[option] = Parse(flag.Name, typed[option] = r.GetValue(flag));
            bool perSampleMean = metric.PerSample && (r.GetValue(mean) || given.ContainsKey(SampleWeight));
            if (r.GetValue(mean) && !metric.PerSample)
                throw new CliException($"--mean: {metric.Name} already reduces the batch (its options say how)");
            foreach (string option in given.Keys)
                if (!metric.Options.Contains(option) && !(option == SampleWeight && metric.PerSample))
                    throw new CliException($"--{option.Replace('_', '-')} does not apply to {metric.Name} (its options: " +
                                           $"{(metric.Options.Count == 0 ? "none" : string.Join(", ", metric.Options.Select(o => "--" + o.Replace('_', '-'))))})");

            string? engineName = r.GetValue(backend);
            IReadOnlyList<ITensorEngine> engines = engineName is null ? TensorEngines.All : [LossCommand.Engine(engineName)];
            EngineResult[] results;
            try { results = engines.Select(e => Run(e, metric, p, t, given, perSampleMean)).ToArray(); }
            catch (ArgumentException e) when (OptionValueError.Expected(e) is { } expected && e.ParamName is { } option
                                              && typed.TryGetValue(option, out string? text))
            {
                throw new CliException(WrongValue(options[option].Name, text, expected));
            }
            return EngineResults.Write(stdout, results, "metric", r.GetValue(json), oneEngine: engineName is not null);
        });
        return command;
    }

    /// <summary>The metric on one engine: data moved to its layout, the result back in the file's order.</summary>
    private static EngineResult Run(ITensorEngine engine, MetricDefinition metric, NpyArray pred, NpyArray truth,
        IReadOnlyDictionary<string, object?> given, bool perSampleMean)
    {
        bool float64 = pred.DType == DType.Float64;
        // --axis (the IoU metrics') names the class axis as it is in the file, so then nothing is moved, as `loss --axis`
        // does: moving the data channels-first while passing the file's axis on made the torch engine arg-max the wrong
        // axis of a rank-3 y_pred.
        bool move = !given.ContainsKey("axis");
        // A tensor-valued option with y_pred's rank is laid out like it (moved with it); other ranks go in as they are.
        object Tensor(NpyArray a)
        {
            bool likePred = move && a.Shape.Length == pred.Shape.Length;
            if (!a.DType.IsFloatingPoint()) return a.ToTensor(engine, fromChannelsLast: likePred);
            Array data = NpyInput.FloatValues(a, float64);
            return likePred && a.Shape.Length >= 2 ? engine.FromChannelsLast(data, a.Shape) : engine.FromArray(data, a.Shape);
        }
        object yPred = pred.ToTensor(engine, fromChannelsLast: move);
        // Class indices have no class axis unless they carry a trailing 1.
        object yTrue = truth.ToTensor(engine, fromChannelsLast: move && truth.Shape.Length == pred.Shape.Length);
        var arguments = given.Where(a => !(perSampleMean && a.Key == SampleWeight))
            .ToDictionary(a => a.Key, a => a.Value is NpyArray tensor ? Tensor(tensor) : a.Value);
        object result = metric.Compute(yPred, yTrue, arguments);
        bool scalar = metric.ReturnsScalar(arguments);
        if (perSampleMean)
        {
            // A per-element result (y_pred's engine shape) has y_pred's class axis: weights of fewer axes (per-timestep
            // (B, T)) are read in Keras's order on a channels-first engine. Per-sample results have no class axis.
            bool perElement = engine.Describe(result).Shape.AsSpan().SequenceEqual(engine.Describe(yPred).Shape);
            result = Metrics.Mean(result, given.GetValueOrDefault(SampleWeight) is NpyArray w ? Tensor(w) : null, valuesHaveClassAxis: perElement);
            scalar = true;
        }
        // A per-element result (accuracy, binary_accuracy) keeps y_pred's rank.
        return EngineResult.Read(engine, result, pred.Shape.Length, movedInputs: move, scalar);
    }

    /// <summary>
    /// The metric refused an option's value (a word where a number goes): said with what the user typed and an example,
    /// as the CLI's other messages are ("--steps: 'ten' is not an integer"), where the library's message names the .NET
    /// type it received ("Received: threshold=abc (String)").
    /// </summary>
    /// <param name="flag">The option, <c>--threshold</c>.</param>
    /// <param name="text">Its value as typed; null for the bare flag (which <see cref="Parse"/> reads as true).</param>
    /// <param name="expected">What the metric takes, in the library's words ("a number").</param>
    private static string WrongValue(string flag, string? text, string expected)
    {
        string? example = expected switch
        {
            "a number" => "0.5",
            "an integer" or "an integer or null" => "2",
            "a number or a list of numbers" => "0.5 or 0.3,0.7",
            _ => null,
        };
        return (text is null ? $"{flag}: a value is required: {expected}" : $"{flag}: '{text}' is not {expected}") +
               (example is null ? "" : $" (e.g. {flag} {example})");
    }

    /// <summary>An option's text as the value Keras would be given: true/false, none, an integer, a number, a comma list
    /// of numbers (<c>--thresholds 0.5,0.7</c>), a .npy file (a tensor), or a word (e.g. <c>macro</c>). A flag given without a value is true.</summary>
    private static object? Parse(string flag, string? text)
    {
        if (text is null || text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase) || text.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long integer)) return integer;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return number;
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 1 && parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            return parts.Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList();
        if (text.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return NpyInput.Read(text, flag);
        return text;
    }
}
