namespace CrossBackend;

/// <summary>
/// What every loss (and its gradient) checks and derives before touching data, done once: the validated prediction,
/// the class axis, the class-weight table, the per-element loss shape and the broadcast sample weights.
/// </summary>
internal sealed record LossSetup<TTensor>(
    TensorInfo Pred, int Axis, long Classes, long[] LossShape, long ElementCount, double[]? ClassWeightTable, TTensor? SampleWeights)
    where TTensor : class;

internal static class LossSetup
{
    /// <summary>Losses whose y_true has y_pred's shape (categorical, binary). <paramref name="weightClasses"/>
    /// overrides the size of the class-weight table (binary: 2, for the target values 0 and 1).</summary>
    public static LossSetup<TTensor> Dense<TTensor>(ITensorBackend<TTensor> b, LossOptions o, TTensor yPred, TTensor yTrue,
        long? weightClasses = null) where TTensor : class
    {
        TensorInfo pred = b.Describe(yPred);
        Validate.PredictionAndTarget(pred, b.Describe(yTrue));
        return Complete(b, o, yPred, pred, Validate.Axis(o.Axis ?? b.ClassAxis, pred.Rank), weightClasses);
    }

    /// <summary>
    /// The sparse loss: y_true holds one class index per element (a length-1 class axis is squeezed, as Keras does),
    /// each an integer in [0, C) or the ignored class. Returns the labels in the loss shape.
    /// </summary>
    public static (LossSetup<TTensor> Setup, TTensor Labels) Sparse<TTensor>(ITensorBackend<TTensor> b, LossOptions o,
        TTensor yPred, TTensor yTrue, int? ignoreClass) where TTensor : class
    {
        TensorInfo pred = b.Describe(yPred);
        Validate.Prediction(pred);
        int axis = Validate.Axis(o.Axis ?? b.ClassAxis, pred.Rank);
        long[] lossShape = Shapes.Without(pred.Shape, axis);
        TensorInfo labelInfo = b.Describe(yTrue);
        Validate.SameDevice(pred, labelInfo, "y_true");
        TTensor labels = labelInfo.Rank == pred.Rank && labelInfo.Shape[axis] == 1 ? b.Squeeze(yTrue, axis) : yTrue;
        if (!b.Describe(labels).Shape.AsSpan().SequenceEqual(lossShape))
            throw new ArgumentException(
                "Argument `y_true` must hold one class index per element: y_pred's shape without the class axis " +
                $"({TensorInfo.FormatShape(lossShape)}), optionally with a length-1 class axis. " +
                $"Received: y_pred.shape={pred.ShapeText}, y_true.shape={labelInfo.ShapeText}", "y_true");
        LossSetup<TTensor> setup = Complete(b, o, yPred, pred, axis, null);
        // The detailed host-side scan (which names the first bad label) runs only once the engine found one.
        if (!b.LabelsValid(labels, setup.Classes, ignoreClass)) Validate.SparseLabels(b.ReadValues(labels), setup.Classes, ignoreClass);
        return (setup, labels);
    }

    private static LossSetup<TTensor> Complete<TTensor>(ITensorBackend<TTensor> b, LossOptions o, TTensor yPred, TensorInfo pred,
        int axis, long? weightClasses) where TTensor : class
    {
        Validate.HasClasses(pred, axis);
        long classes = pred.Shape[axis];
        double[]? table = o.ClassWeights is null ? null : Validate.ClassWeightTable(o.ClassWeights, weightClasses ?? classes);
        long[] lossShape = Shapes.Without(pred.Shape, axis);
        long count = Validate.ElementCount(lossShape, o.Averages, pred);
        return new LossSetup<TTensor>(pred, axis, classes, lossShape, count, table,
            LossReduction.SampleWeights(b, o, lossShape, yPred));
    }
}
