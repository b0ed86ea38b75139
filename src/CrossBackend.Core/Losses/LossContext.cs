namespace CrossBackend;

/// <summary>
/// Everything a loss function sees on one engine: the ops, the adopted tensors, the resolved options and the checks
/// every loss shares. Built once per call by <see cref="LossProgram"/>.
/// </summary>
internal sealed class LossContext<T>(ITensorOps<T> ops, LossDefinition definition, IReadOnlyDictionary<LossOption, object?> values,
    T yPred, T? yTrue, object? yTrueNotAdopted, IReadOnlyDictionary<LossOption, T> tensors) where T : class
{
    /// <summary>Keras's backend epsilon: probabilities are clipped to [ε, 1 − ε], with the bounds rounded to the
    /// input's dtype (in float32 1 − 1e-7 is 0.99999988).</summary>
    public const double Epsilon = KerasEpsilon.Value;

    public ITensorOps<T> Ops { get; } = ops;
    public LossDefinition Definition { get; } = definition;
    public T YPred { get; } = yPred;
    public TensorInfo Pred { get; } = ops.Describe(yPred);
    public DType DType => Pred.DType;

    /// <summary>y_true cast to y_pred's dtype (Keras casts labels to the prediction's dtype).</summary>
    public T Target => _target ??= Ops.Cast(YTrue, DType);
    private T? _target;

    /// <summary>y_true as given (integer labels stay integer), adopted on first use when the dispatcher left it to the
    /// loss (<see cref="LossProgram.AdoptsLazily"/>), with the device check the dispatcher makes for the others.</summary>
    public T YTrue => _yTrue ??= yTrueNotAdopted is { } given ? Adopted(given)
        : throw new InvalidOperationException($"Loss `{Definition.Name}` has no y_true.");
    private T? _yTrue = yTrue;

    /// <summary>y_true as the caller gave it while the dispatcher has left it unadopted (int64 labels on an engine of
    /// float tensors), for a fused kernel that reads it so; null once adopted or when the dispatcher adopted it.</summary>
    public object? YTrueNotYetAdopted => _yTrue is null ? yTrueNotAdopted : null;

    private T Adopted(object given)
    {
        T adopted = Ops.Adopt(given, "y_true");
        Validate.SameDevice(Pred, Ops.Describe(adopted), "y_true");
        return adopted;
    }

    /// <summary>The axes given by <c>axis</c>, resolved against y_pred's rank; by default the engine's class axis (the
    /// only axis of a rank-1 tensor).</summary>
    public int[] Axes => _axes ??= ((int[]?)values.GetValueOrDefault(LossOption.Axis) ?? [Pred.Rank >= 2 ? Ops.Engine.ClassAxis : -1])
        .Select(a => Validate.Axis(a, Pred.Rank)).ToArray();
    private int[]? _axes;

    /// <summary>Whether the caller gave <c>axis</c>: losses whose default is not the class axis (Keras's <c>dice</c> and
    /// <c>tversky</c> reduce over every axis when <c>axis</c> is None) read it before <see cref="Axes"/>.</summary>
    public bool AxisGiven => values.GetValueOrDefault(LossOption.Axis) is not null;

    /// <summary>The single axis a loss reduces over (the class axis).</summary>
    public int Axis => Axes.Length == 1 ? Axes[0] : throw new ArgumentException(
        $"Loss `{Definition.Name}` takes one axis. Received: axis={LossOption.Format(Axes)}", "axis");

    /// <summary>The length of <see cref="Axis"/>.</summary>
    public long Classes => Pred.Shape[Axis];

    public Reduction Reduction => (Reduction)values[LossOption.Reduction]!;

    public bool Bool(LossOption option) => (bool)values[option]!;
    public double Number(LossOption option) => (double)values[option]!;
    /// <summary>The option's value as given (for options that take more than one kind of value).</summary>
    public object? Value(LossOption option) => values[option];
    public int? Integer(LossOption option) => (int?)values[option];
    /// <summary>A number option whose default is none (FastEstimator's <c>threshold</c>).</summary>
    public double? NumberOrNone(LossOption option) => (double?)values[option];
    public double[]? Numbers(LossOption option) => (double[]?)values[option];
    public string Choice(LossOption option) => (string)values[option]!;
    public T? Tensor(LossOption option) => tensors.TryGetValue(option, out T? t) ? t : null;

    /// <summary>The class-weight map as a dense table of <paramref name="classes"/> entries (unlisted classes weigh
    /// 1), validated; null when none was given.</summary>
    public double[]? ClassWeightTable(long classes) =>
        values[LossOption.ClassWeights] is IReadOnlyDictionary<int, double> map ? Validate.ClassWeightTable(map, classes) : null;

    /// <summary>y_true must have y_pred's shape and device; labels missing the class axis get a hint (the sparse loss).</summary>
    public void RequireSameShape()
    {
        TensorInfo target = Ops.Describe(YTrue);
        string? hint = Axes.Length == 1 ? Validate.MissingAxisHint(Definition, Pred, target, Axes[0]) : null;
        Validate.PredictionAndTarget(Pred, target, hint);
    }

    /// <summary>The class axis must not be empty (there is no distribution to take a crossentropy of).</summary>
    public void RequireClasses() => Validate.HasClasses(Pred, Axis);

    /// <summary>Probabilities clipped to [ε, 1 − ε] in their dtype.</summary>
    public T ClipProbabilities(T p) => Ops.Clip(p, Epsilon, 1 - Epsilon);

    /// <summary>A constant in y_pred's dtype.</summary>
    public T Constant(double value) => Ops.Scalar(value, DType);

    /// <summary>The table's entries at <paramref name="indices"/>, in y_pred's dtype (one gather).</summary>
    public T Gather(double[] table, T indices) => Ops.Take(Ops.FromValues(table, [table.Length], DType), indices, 0);
}
