namespace CrossBackend;

/// <summary>Argument checks shared by every loss; messages name the argument and show what was received.</summary>
internal static class Validate
{
    /// <summary>An integer option (a metric's <c>k</c>, a loss's integer option) given as any .NET integer type, or as a whole
    /// double, float, Half or decimal (numbers read from JSON arrive as doubles); null when <paramref name="value"/> is not a number at all (the
    /// caller says what it wants). A fractional, non-finite or out-of-range number is refused naming
    /// <paramref name="name"/>.</summary>
    public static int? IntegerOption(object value, string name)
    {
        switch (value)
        {
            case int i: return i;
            case long l when l is >= int.MinValue and <= int.MaxValue: return (int)l;
            case long l:
                throw new ArgumentOutOfRangeException(name, l, $"Argument `{name}` must be an integer in [{int.MinValue}, {int.MaxValue}]. Received: {name}={l}");
            case short or sbyte or byte or ushort: return Convert.ToInt32(value);
        }
        if (Number(value) is not { } number) return null;
        if (double.IsFinite(number) && Math.Floor(number) == number && number is >= int.MinValue and <= int.MaxValue) return (int)number;
        throw OptionValueError.Create(name, "an integer",
            $"Argument `{name}` must be an integer; a {TensorFormat.TypeName(value.GetType())} is accepted only when it is a whole number " +
            $"(as 2.0). Received: {name}={Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>Any .NET number (double, float, Half, decimal, any integer type) as a double; null for anything else (bool
    /// and strings are not numbers here).</summary>
    public static double? Number(object value) => value switch
    {
        double d => d,
        float f => f,
        Half h => (double)h,
        decimal m => (double)m,
        int or long or short or sbyte or byte or ushort or uint or ulong => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>y_true: y_pred's shape and device. <paramref name="hint"/> (how to fix a mismatch) follows the
    /// message.</summary>
    public static void PredictionAndTarget(TensorInfo pred, TensorInfo target, string? hint = null)
    {
        if (!pred.Shape.AsSpan().SequenceEqual(target.Shape))
            throw new ArgumentException(
                "Arguments `y_true` and `y_pred` must have the same shape. " +
                $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={target.ShapeText}" + (hint is null ? "" : ". " + hint), "y_true");
        SameDevice(pred, target, "y_true");
    }

    /// <summary>
    /// How to fix labels with one axis fewer than y_pred for a loss that wants y_pred's shape: when the missing axis
    /// is the class axis, they are class indices (suggest the loss's sparse twin, if registered); when it is a
    /// length-1 axis, it only needs adding back. Null when neither applies.
    /// </summary>
    public static string? MissingAxisHint(LossDefinition loss, TensorInfo pred, TensorInfo target, int classAxis)
    {
        if (target.Rank != pred.Rank - 1) return null;
        long[] withoutClasses = pred.Shape.Where((_, d) => d != classAxis).ToArray();
        if (!withoutClasses.AsSpan().SequenceEqual(target.Shape)) return null;
        LossDefinition? sparse = LossRegistry.All.FirstOrDefault(d => d.Name == "sparse_" + loss.Name);
        if (sparse is not null)
        {
            string method = string.Concat(sparse.Name.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            string call = typeof(Losses).GetMethod(method) is null ? "" : $" (Losses.{method})";
            return $"y_true has y_pred's shape without the class axis, as class indices do: use {sparse.Name}{call} for class-index labels, " +
                   "or one-hot encode them";
        }
        return pred.Shape[classAxis] == 1
            ? $"y_true lacks y_pred's length-1 axis {classAxis}: reshape it to y_pred's shape {pred.ShapeText}"
            : null;
    }

    /// <summary>Another tensor argument must live where y_pred does.</summary>
    public static void SameDevice(TensorInfo pred, TensorInfo other, string otherName)
    {
        if (pred.Device != other.Device)
            throw new ArgumentException(
                $"Arguments `{otherName}` and `y_pred` must be on the same device. " +
                $"Received: y_pred.device={pred.Device}, {otherName}.device={other.Device}", otherName);
    }

    /// <summary>y_pred: floating point, rank ≥ <paramref name="minRank"/>.</summary>
    public static void Prediction(TensorInfo pred, int minRank = 2, ITensorEngine? engine = null)
    {
        if (!pred.DType.IsFloatingPoint()) throw NotFloatingPoint(engine, pred.DType, "y_pred");
        if (pred.Rank < minRank)
            throw new ArgumentException(
                minRank == 2
                    ? $"Argument `y_pred` must have rank >= 2 (batch and classes). Received: y_pred.shape={pred.ShapeText}"
                    : $"Argument `y_pred` must have rank >= {minRank}. Received: y_pred.shape={pred.ShapeText}", "y_pred");
    }

    /// <summary>An integer or bool tensor where a floating-point one is needed, with the cast that fixes it.</summary>
    public static ArgumentException NotFloatingPoint(ITensorEngine? engine, DType dtype, string name) => new(
        $"Argument `{name}` must be a floating-point tensor. Received: {name}.dtype={dtype.Name()}. " +
        $"Cast it first: `{(engine is null ? "engine" : $"TensorEngines.Named(\"{engine.Name}\")")}.Cast({name}, DType.Float32)` " +
        $"(in TorchSharp: `{name}.to_type(torch.float32)`)", name);

    /// <summary>
    /// Sparse labels: integer values in [0, <paramref name="classes"/>), except the ignored class. Reports the first
    /// offending value and where it is.
    /// </summary>
    public static void SparseLabels(double[] labels, long classes, int? ignoreClass)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            double v = labels[i];
            if (ignoreClass is { } ignored && v == ignored) continue;
            if (!(v >= 0 && v < classes && v == Math.Floor(v)))
                throw new ArgumentOutOfRangeException("y_true", v,
                    $"Argument `y_true` must hold class indices in [0, {classes})" +
                    (ignoreClass is null ? "" : $" or the ignored class {ignoreClass}") +
                    $". Received: y_true[{i}] (flat index)={v}");
        }
    }

    /// <summary>Counts the elements of a shape, refusing to average over none.</summary>
    public static long ElementCount(long[] lossShape, TensorInfo pred)
    {
        long count = Shapes.Count(lossShape);
        if (count == 0)
            throw new ArgumentException(
                $"Cannot average the loss over an empty batch: argument `y_pred` has no elements outside the class axis. Received: y_pred.shape={pred.ShapeText}", "y_pred");
        return count;
    }

    /// <summary>Refuses a class axis of length 0 (there is no distribution to take a crossentropy of).</summary>
    public static void HasClasses(TensorInfo pred, int classAxis)
    {
        if (pred.Shape[classAxis] == 0)
            throw new ArgumentException(
                $"Argument `y_pred` must have at least one class on axis {classAxis}. Received: y_pred.shape={pred.ShapeText}", "y_pred");
    }

    /// <summary>Resolves a possibly negative axis against a rank.</summary>
    public static int Axis(int axis, int rank, string argumentName = "axis")
    {
        int resolved = axis < 0 ? axis + rank : axis;
        if (resolved < 0 || resolved >= rank)
            throw new ArgumentOutOfRangeException(argumentName, axis,
                $"Argument `{argumentName}` must be in [-{rank}, {rank}) for a tensor of rank {rank}. Received: {argumentName}={axis}");
        return resolved;
    }

    /// <summary>
    /// Turns the class-weight map into a dense table of <paramref name="classes"/> entries (unlisted classes weigh
    /// 1.0), so that weighting is one gather. Keys outside [0, C) and weights that are negative, NaN or infinite
    /// are refused.
    /// </summary>
    public static double[] ClassWeightTable(IReadOnlyDictionary<int, double> classWeights, long classes)
    {
        var table = new double[classes];
        Array.Fill(table, 1.0);
        foreach ((int cls, double weight) in classWeights)
        {
            if (cls < 0 || cls >= classes)
                throw new ArgumentOutOfRangeException("classWeights", cls,
                    $"Argument `classWeights` has class {cls}, outside [0, {classes}) for {classes} classes. Received: classWeights[{cls}]={weight}");
            if (!double.IsFinite(weight) || weight < 0)
                throw new ArgumentOutOfRangeException("classWeights", weight,
                    $"Argument `classWeights` must hold finite, non-negative weights. Received: classWeights[{cls}]={weight}");
            table[cls] = weight;
        }
        return table;
    }
}
