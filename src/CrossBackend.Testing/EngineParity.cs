using CrossBackend.IO;
using NUnit.Framework;

namespace CrossBackend.Testing;

/// <summary>
/// Runs a function of yours on every engine from the same host inputs and checks that the results agree: each pair
/// of engines, and each engine against an optional reference. A failure names every pair that disagrees, with a
/// <see cref="TensorAssert"/> report for each.
/// </summary>
/// <example>
/// <code>
/// // Keras-layout (channels-last) probabilities and one-hot labels, moved into each engine's layout.
/// EngineParity.Check(
///     (engine, x) => Losses.CategoricalCrossentropy&lt;object, object&gt;(x[0], x[1], averageLoss: false),
///     [probabilities, oneHot],                                   // float[,,] arrays of shape (Batch, H, C)
///     new ParityOptions { MoveChannelAxis = true, Reference = myFloat64Reference });
/// </code>
/// </example>
public static class EngineParity
{
    /// <summary>
    /// Runs <paramref name="function"/> on every engine and fails the test (NUnit's <see cref="AssertionException"/>)
    /// unless every engine ran and every comparison is close. See <see cref="Run"/> for the arguments.
    /// </summary>
    /// <returns>The report, when it passed.</returns>
    public static ParityReport Check(Func<ITensorEngine, object[], object> function, IReadOnlyList<object> inputs,
        ParityOptions? options = null)
    {
        ParityReport report = Run(function, inputs, options);
        if (!report.Passed) Assert.Fail(report.Message);
        return report;
    }

    /// <summary>
    /// Runs <paramref name="function"/> on every engine and compares the results, without failing.
    /// </summary>
    /// <param name="function">Computes the result on one engine from that engine's tensors of the inputs (in the
    /// order given); returns a tensor of that engine (or a .NET array or number).</param>
    /// <param name="inputs">Host data: .NET arrays of any rank, <see cref="NpyArray"/>s (e.g. from a golden
    /// <c>.npz</c>), numbers, or tensors of any engine (read out as host data in their own layout). Each becomes a
    /// tensor of each engine (<see cref="NpyArray.ToTensor"/>), moved and cast as <paramref name="options"/> say.</param>
    /// <param name="options">Layout, dtype, reference and tolerances; defaults when null.</param>
    /// <returns>Every comparison made and every engine that threw.</returns>
    /// <exception cref="InvalidOperationException">Fewer than two engines and no reference: nothing to compare.</exception>
    /// <remarks>The tensors made from the inputs and the function's results are disposed (when disposable, as
    /// TorchSharp's are) once their values are read.</remarks>
    public static ParityReport Run(Func<ITensorEngine, object[], object> function, IReadOnlyList<object> inputs,
        ParityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new ParityOptions();
        ITensorEngine[] engines = (options.Engines ?? TensorEngines.All).ToArray();
        if (engines.Length < 2 && options.Reference is null)
            throw new InvalidOperationException(
                $"EngineParity needs at least two engines or a reference to compare with. Engines found: " +
                $"{(engines.Length == 0 ? "none" : string.Join(", ", engines.Select(e => e.Name)))}. " +
                "Reference another engine project from the test project, or set ParityOptions.Reference.");
        NpyArray[] host = inputs.Select((x, i) => ToHost(x, $"inputs[{i}]")).ToArray();
        TensorValues? reference = options.Reference is null ? null : TensorValues.Of(options.Reference, "options.Reference");

        var results = new List<(string Engine, TensorValues Values)>();
        var errors = new Dictionary<string, Exception>();
        foreach (ITensorEngine engine in engines)
        {
            try { results.Add((engine.Name, RunOn(engine, function, host, options))); }
            catch (Exception e) when (e is not AssertionException) { errors[engine.Name] = e; }
        }

        var comparisons = new List<ParityComparison>();
        for (int i = 0; i < results.Count; i++)
        for (int j = i + 1; j < results.Count; j++)
            comparisons.Add(new(results[j].Engine, results[i].Engine, Compare(results[j].Values, results[i].Values, options)));
        if (reference is not null)
            foreach ((string engine, TensorValues values) in results)
                comparisons.Add(new(engine, "reference", Compare(values, reference, options)));
        return new ParityReport(engines.Select(e => e.Name).ToArray(), reference is not null, comparisons, errors);
    }

    private static TensorComparison Compare(TensorValues actual, TensorValues expected, ParityOptions o) =>
        TensorComparison.CompareRead(actual, expected, o.Rtol, o.Atol, o.EqualNan, checkDType: false, o.Tolerances);

    /// <summary>An input as host data: the kinds <see cref="TensorAssert"/> reads (the same numbers and arrays), or a
    /// tensor of any engine read out in its own layout.</summary>
    private static NpyArray ToHost(object? input, string name)
    {
        ArgumentNullException.ThrowIfNull(input, name);
        if (TensorValues.HostOrNull(input, name) is { } host) return host;
        if (TensorEngines.OwnerOf(input.GetType()) is null)
            throw new ArgumentException(
                $"Argument `{name}` must be a .NET array, an NpyArray, a number or a tensor. Received: {name} is a {TensorFormat.TypeName(input.GetType(), qualified: true)}", name);
        TensorValues.EngineOf(input, name);   // refuses a complex tensor by this argument's name
        return NpyArray.FromTensor(input);
    }

    private static TensorValues RunOn(ITensorEngine engine, Func<ITensorEngine, object[], object> function, NpyArray[] host, ParityOptions o)
    {
        var owned = new HashSet<object>(ReferenceEqualityComparer.Instance);
        try
        {
            var tensors = new object[host.Length];
            for (int i = 0; i < host.Length; i++)
            {
                bool move = o.MoveChannelAxis && (o.ChannelAxisInputs?.Contains(i) ?? host[i].Shape.Length >= 2);
                object tensor = Own(host[i].ToTensor(engine, fromChannelsLast: move));
                if (o.InputDType is { } dtype && host[i].DType.IsFloatingPoint() && dtype != host[i].DType)
                    tensor = Own(engine.Cast(tensor, dtype));
                tensors[i] = tensor;
            }
            object result = Own(function(engine, tensors)
                ?? throw new InvalidOperationException($"The function returned null on the {engine.Name} engine."));
            if (o.OutputHasChannelAxis && engine.Owns(result.GetType()))
            {
                int rank = engine.Describe(result).Rank;
                int classAxis = engine.ClassAxis < 0 ? engine.ClassAxis + rank : engine.ClassAxis;
                if (rank >= 2 && classAxis != rank - 1) result = Own(engine.MoveAxis(result, classAxis, rank - 1));
            }
            return TensorValues.Of(result, "result");
        }
        finally
        {
            foreach (object o2 in owned) (o2 as IDisposable)?.Dispose();
        }

        object Own(object tensor)
        {
            owned.Add(tensor);
            return tensor;
        }
    }
}
