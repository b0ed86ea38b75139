using CrossBackend.Tests.References;

namespace CrossBackend.Tests.Reliability;

/// <summary>
/// One call of a registered loss with fixed inputs and options, as channels-last data: one of the loss's published
/// examples (<see cref="LossDefinition.Examples"/>) or one case of its float64 reference (<see cref="ILossReference"/>).
/// The reliability tests (inputs left untouched, thread safety, leaks, non-finite policy) run over
/// <see cref="LossCalls.All"/>, built from <see cref="LossRegistry.All"/>: a new loss is covered by its registry
/// entry and its reference, with no edit here.
/// </summary>
/// <param name="Name">Shown in test names: the loss and the example or case.</param>
/// <param name="Loss">The registered loss.</param>
/// <param name="YPred">y_pred, row-major, channels-last.</param>
/// <param name="Shape">y_pred's shape.</param>
/// <param name="YTrue">y_true, row-major (class indices for sparse losses; null for losses without labels).</param>
/// <param name="TrueShape">y_true's shape (null: y_pred's).</param>
/// <param name="Arguments">Keyword arguments by Keras name; tensor-valued ones as <c>double[]</c>.</param>
/// <param name="TensorShapes">Shapes of tensor-valued arguments (default: one axis).</param>
public sealed record LossCall(string Name, LossDefinition Loss, double[] YPred, long[] Shape, double[]? YTrue, long[]? TrueShape,
    IReadOnlyDictionary<string, object?> Arguments, IReadOnlyDictionary<string, long[]>? TensorShapes = null)
{
    public override string ToString() => Name;

    /// <summary>The class-weights map the call passes (the tests check it is left untouched), or null.</summary>
    public IReadOnlyDictionary<int, double>? Weights =>
        Arguments.Values.OfType<IReadOnlyDictionary<int, double>>().FirstOrDefault();

    /// <summary>The label dtypes worth trying with y_pred in <paramref name="predType"/>: int32/int64 class indices
    /// for sparse losses; y_pred's own dtype, the other float, and integers when every label is a whole number
    /// (one-hot, bits) for same-shape labels; none for losses without labels.</summary>
    public IEnumerable<DType> LabelDTypes(DType predType)
    {
        if (YTrue is null || Loss.Labels == LossLabels.None) return [predType];
        if (Loss.Labels is LossLabels.ClassIndices or LossLabels.IntegerLabels) return [DType.Int32, DType.Int64];
        DType other = predType == DType.Float32 ? DType.Float64 : DType.Float32;
        return YTrue.All(v => v == Math.Floor(v) && Math.Abs(v) < 1e6)
            ? [predType, other, DType.Int32, DType.Int64]
            : [predType, other];
    }

    /// <summary>
    /// The call's inputs on <paramref name="engine"/>: y_pred in <paramref name="predType"/> (moved to the engine's
    /// layout), y_true in <paramref name="labelType"/> (default: int64 indices or y_pred's dtype), tensor-valued
    /// arguments in y_pred's dtype, and a fresh copy of every other argument.
    /// </summary>
    public (object Pred, object? True, LossArguments Arguments) Inputs(ITensorEngine engine, DType predType, DType? labelType = null)
    {
        DType label = labelType ?? (Loss.Labels is LossLabels.ClassIndices or LossLabels.IntegerLabels ? DType.Int64 : predType);
        object pred = engine.FromChannelsLast(Values(YPred, predType), Shape);
        object? yTrue = YTrue is null || Loss.Labels == LossLabels.None ? null
            : Loss.Labels is LossLabels.ClassIndices or LossLabels.IntegerLabels ? engine.FromArray(Values(YTrue, label), TrueShape ?? Shape[..^1])
            : engine.FromChannelsLast(Values(YTrue, label), TrueShape ?? Shape);
        var arguments = new LossArguments();
        foreach ((string name, object? value) in Arguments)
            arguments[name] = value switch
            {
                double[] tensor when Loss.Option(name)?.Kind == LossOptionKind.Tensor =>
                    engine.FromArray(Values(tensor, predType), TensorShapes?.GetValueOrDefault(name) ?? [tensor.Length]),
                // Each call gets its own map: a test that checks "weights untouched" compares against this instance.
                IReadOnlyDictionary<int, double> map => map.ToDictionary(p => p.Key, p => p.Value),
                _ => value,
            };
        return (pred, yTrue, arguments);
    }

    /// <summary>Computes the loss (the public registry entry point); the result is a tensor of y_pred's engine.</summary>
    public object Invoke(object pred, object? yTrue, LossArguments arguments) => Loss.Compute(pred, yTrue, arguments);

    /// <summary>The same call with its batch (axis 0) resampled: <paramref name="rows"/> items drawn from the original
    /// ones (labels and per-sample weights follow their item). Used for large inputs (the engines' own parallel loops)
    /// and by the fuzz test.</summary>
    public LossCall Resampled(int rows, Random random, Func<int, int>? pick = null)
    {
        int batch = (int)Shape[0];
        int[] items = Enumerable.Range(0, rows).Select(i => pick?.Invoke(i) ?? random.Next(batch)).ToArray();
        long[] shape = [rows, .. Shape[1..]];
        long[]? trueShape = TrueShape is null ? null : [rows, .. TrueShape[1..]];
        var arguments = Arguments.ToDictionary(a => a.Key, a => a.Value is double[] t && t.Length == batch && Loss.Option(a.Key)?.Kind == LossOptionKind.Tensor
            ? items.Select(i => t[i]).ToArray() : a.Value);
        return this with
        {
            Name = $"{Name} ×{rows} rows",
            YPred = Take(YPred, items, batch),
            Shape = shape,
            YTrue = YTrue is null ? null : Take(YTrue, items, batch),
            TrueShape = trueShape,
            Arguments = arguments,
            TensorShapes = TensorShapes?.ToDictionary(s => s.Key, s => s.Value.Length > 0 && s.Value[0] == batch ? [rows, .. s.Value[1..]] : s.Value),
        };
    }

    private static double[] Take(double[] values, int[] items, int batch)
    {
        int size = values.Length / batch;
        return items.SelectMany(i => values.Skip(i * size).Take(size)).ToArray();
    }

    internal static Array Values(double[] v, DType dtype) => dtype switch
    {
        DType.Float32 => v.Select(x => (float)x).ToArray(),
        DType.Float64 => v,
        DType.Int32 => v.Select(x => (int)x).ToArray(),
        DType.Int64 => v.Select(x => (long)x).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "float32, float64, int32 or int64"),
    };
}

/// <summary>The table of calls every reliability test iterates over, enumerated from the registry.</summary>
public static class LossCalls
{
    /// <summary>
    /// For every registered loss: each published example, and each case of its float64 reference twice — as written
    /// (the loss's default reduction) and per element with sample weights 0.1·k + 0.3 (when the loss reduces by
    /// Keras's reductions).
    /// </summary>
    public static IEnumerable<LossCall> All()
    {
        foreach (LossDefinition loss in LossRegistry.All)
        {
            for (int i = 0; i < loss.Examples.Count; i++)
            {
                LossExample e = loss.Examples[i];
                yield return new LossCall($"{loss.Name} example {i}", loss, e.YPred, e.Shape, e.YTrue, e.TrueShape, e.Arguments, e.TensorShapes);
            }
            foreach (ILossReference reference in AllReferences.List.Where(r => r.Loss == loss.Name))
            foreach (ReferenceCase c in reference.Cases())
            {
                yield return new LossCall($"{loss.Name} {c.Name}", loss, c.YPred, c.Shape, c.YTrue, c.TrueShape, c.Arguments);
                if (loss.OwnReduction) continue;
                long batch = c.Shape[0];
                var weighted = new Dictionary<string, object?>(c.Arguments)
                {
                    ["reduction"] = Reduction.None,
                    ["sample_weights"] = Enumerable.Range(0, (int)batch).Select(k => 0.1 * k + 0.3).ToArray(),
                };
                yield return new LossCall($"{loss.Name} {c.Name} per-element, sample weights", loss, c.YPred, c.Shape, c.YTrue, c.TrueShape,
                    weighted, new Dictionary<string, long[]> { ["sample_weights"] = [batch] });
            }
        }
    }

    /// <summary>One call per registered loss (its first reference case with options, else its first example): for
    /// the tests that repeat each call many times (threads, leaks).</summary>
    public static IEnumerable<LossCall> OnePerLoss() =>
        All().GroupBy(c => c.Loss).Select(g => g.FirstOrDefault(c => c.Name.Contains("sample weights")) ?? g.First());
}
