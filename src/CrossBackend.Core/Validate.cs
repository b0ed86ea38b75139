namespace CrossBackend;

/// <summary>Argument checks shared by every loss; messages name the argument and show what was received.</summary>
internal static class Validate
{
    /// <summary>y_pred: floating point, rank ≥ 2; y_true: the same shape.</summary>
    public static void PredictionAndTarget(TensorInfo pred, TensorInfo target)
    {
        if (!pred.DType.IsFloatingPoint())
            throw new ArgumentException(
                $"Argument `y_pred` must be a floating-point tensor. Received: y_pred.dtype={pred.DType.Name()}", "y_pred");
        if (pred.Rank < 2)
            throw new ArgumentException(
                $"Argument `y_pred` must have rank >= 2 (batch and classes). Received: y_pred.shape={pred.ShapeText}", "y_pred");
        if (!pred.Shape.AsSpan().SequenceEqual(target.Shape))
            throw new ArgumentException(
                "Arguments `y_true` and `y_pred` must have the same shape. " +
                $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={target.ShapeText}", "y_true");
        if (pred.Device != target.Device)
            throw new ArgumentException(
                "Arguments `y_true` and `y_pred` must be on the same device. " +
                $"Received: y_pred.device={pred.Device}, y_true.device={target.Device}", "y_true");
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

    /// <summary>Refuses a class axis of length 0 (there is no distribution to take a crossentropy of).</summary>
    public static void HasClasses(TensorInfo pred, int classAxis)
    {
        if (pred.Shape[classAxis] == 0)
            throw new ArgumentException(
                $"Argument `y_pred` must have at least one class on axis {classAxis}. Received: y_pred.shape={pred.ShapeText}", "y_pred");
    }

    /// <summary>Refuses to average over nothing (the mean of no elements would be NaN).</summary>
    public static void NonEmptyForAverage(TensorInfo pred, int classAxis)
    {
        long elements = 1;
        for (int d = 0; d < pred.Rank; d++)
            if (d != classAxis) elements *= pred.Shape[d];
        if (elements == 0)
            throw new ArgumentException(
                $"Cannot average the loss over an empty batch: argument `y_pred` has no elements outside the class axis. Received: y_pred.shape={pred.ShapeText}", "y_pred");
    }
}
